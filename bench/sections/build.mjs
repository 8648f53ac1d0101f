// 2. Build cost: wall time of tspc with the plugin, tspc with no plugins and plain tsc on the
// generated project (lib/projects.mjs), median of ROUNDS; each round builds all three, in an
// order that rotates from round to round, so drift of the machine's load touches all alike.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BUILDS, build, writeBuildProject } from "../lib/projects.mjs";
import { sizeOf } from "../lib/sizes.mjs";
import { median } from "../lib/stats.mjs";

const ROUNDS = 5;
const KINDS = ["plugin", "noPlugin", "tsc"];
const TRACKING = /\.trackCall\(/g;

function countTracking(dir) {
  let count = 0;
  const visit = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".js")) {
        count += (readFileSync(path, "utf8").match(TRACKING) ?? []).length;
      }
    }
  };
  visit(dir);
  return count;
}

export async function measureBuild() {
  const project = writeBuildProject();
  const wall = Object.fromEntries(KINDS.map((kind) => [kind, []]));
  const warnings = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = KINDS.map((_, index) => KINDS[(index + round) % KINDS.length]);
    for (const kind of order) {
      const result = await build(project.dir, kind);
      wall[kind].push(result.wallMs);
      warnings[kind] = (result.stdout.match(/warning TS\d+/g) ?? []).length;
    }
  }

  const outDir = (kind) => join(project.dir, BUILDS[kind].outDir);
  const js = (file) => file.endsWith(".js");
  const ms = Object.fromEntries(KINDS.map((kind) => [kind, median(wall[kind])]));
  return {
    project,
    rounds: ROUNDS,
    ms,
    wall,
    warnings,
    tracked: { plugin: countTracking(outDir("plugin")), tsc: countTracking(outDir("tsc")) },
    emittedJs: {
      plugin: sizeOf([outDir("plugin")], { filter: js }),
      tsc: sizeOf([outDir("tsc")], { filter: js }),
    },
  };
}

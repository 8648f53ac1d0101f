// 5. Footprint: the time to load the runtime (require, import, and node-fetch, which the runtime
// loads on its first send), each in a fresh process, median of ROUNDS interleaved rounds; and
// the size on disk of what an instrumented package brings along.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { median } from "../lib/stats.mjs";
import { dependencyTree, sizeOf } from "../lib/sizes.mjs";
import {
  benchRoot,
  childEnv,
  expectSuccess,
  installedPackage,
  lastJson,
  repoRoot,
  runNode,
} from "../lib/work.mjs";

const CHILD = join(benchRoot, "children", "load-child.mjs");
const ROUNDS = 15;
const RUN_TIMEOUT_MS = 15_000;

/** What is loaded, and with which settings. */
export const LOADS = {
  require: { what: "require", env: {} },
  requireOff: { what: "require", env: { DO_NOT_TRACK: "1" } },
  import: { what: "import", env: {} },
  fetch: { what: "fetch", env: {} },
};

async function loadTimes() {
  const times = Object.fromEntries(Object.keys(LOADS).map((name) => [name, []]));
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const [name, { what, env }] of Object.entries(LOADS)) {
      const result = await runNode([CHILD, what, installedPackage], {
        env: childEnv(env),
        timeoutMs: RUN_TIMEOUT_MS,
      });
      const { ms } = lastJson(expectSuccess(result, `load-child ${what}`), `load-child ${what}`);
      if (round > 0) times[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

const isShipped = (file) => !file.endsWith(".map") && !file.endsWith(".d.ts");

// The package's own files are measured in the installed copy (bench/.work), which a rebuild of
// dist/ cannot touch mid-run; the dependencies where npm installed them.
function sizes() {
  const manifest = JSON.parse(readFileSync(join(installedPackage, "package.json"), "utf8"));
  const dist = join(installedPackage, "dist");
  const runtimeDirs = [join(dist, "cjs", "runtime"), join(dist, "esm", "runtime")];
  const runtimeDeps = dependencyTree(["node-fetch"], repoRoot);
  const packageDeps = dependencyTree(Object.keys(manifest.dependencies ?? {}), repoRoot);
  const packageFiles = [
    join(installedPackage, "package.json"),
    join(installedPackage, "config.yaml"),
    join(installedPackage, "transformer", "package.json"),
    dist,
  ];
  return {
    runtimeCode: sizeOf(runtimeDirs),
    runtimeCodeShipped: sizeOf(runtimeDirs, { filter: isShipped }),
    runtimeDeps: { ...sizeOf(runtimeDeps.folders), packages: runtimeDeps.packages },
    runtimeTree: sizeOf([...runtimeDirs, ...runtimeDeps.folders]),
    packageFiles: sizeOf(packageFiles),
    packageDeps: { ...sizeOf(packageDeps.folders), packages: packageDeps.packages },
    packageTree: sizeOf([...packageFiles, ...packageDeps.folders]),
    missing: [...runtimeDeps.missing, ...packageDeps.missing],
  };
}

export async function measureFootprint() {
  return { rounds: ROUNDS, loadMs: await loadTimes(), sizes: sizes() };
}

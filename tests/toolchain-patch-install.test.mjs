// The persistent patch: `ts-patch install` on a copy of TypeScript (5.0, the oldest supported,
// and 5.9) in a temp project, then that project's plain `tsc` builds
// fixtures/toolchain-patch-install with the plugin. The repository's own TypeScript packages are
// never patched.
import assert from "node:assert/strict";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  TS_PATCH_CLI,
  callsOf,
  loadCollector,
  makeProject,
  repoModules,
  run,
  sortCalls,
  telemetryEnv,
  waitForRecords,
} from "./helpers/toolchain-project.mjs";

const PATCH_MARK = "/// tsp-module:";

function isPatched(typescriptDir) {
  return readFileSync(join(typescriptDir, "lib", "typescript.js"), "utf8").startsWith(PATCH_MARK);
}

for (const typescript of ["typescript-5.0", "typescript"]) {
  const version = JSON.parse(
    readFileSync(join(repoModules, typescript, "package.json"), "utf8"),
  ).version;

  test(`should build instrumented code with a plain tsc ${version} after \`ts-patch install\``, async (t) => {
    const project = makeProject("toolchain-patch-install", { link: ["@types/node"] });
    t.after(project.cleanup);
    const typescriptDir = join(project.dir, "node_modules", "typescript");
    cpSync(join(repoModules, typescript), typescriptDir, { recursive: true });
    const patchEnv = { TSP_CACHE_DIR: join(project.dir, ".ts-patch-cache") };

    const install = await run([TS_PATCH_CLI, "install", "--dir", typescriptDir], {
      cwd: project.dir,
      env: patchEnv,
    });
    assert.equal(install.code, 0, install.output);
    assert.match(install.output, /ts-patch installed/);
    assert.ok(isPatched(typescriptDir), "the copy's lib/typescript.js carries the patch");
    assert.ok(
      !isPatched(join(repoModules, "typescript")),
      "the repository's TypeScript is untouched",
    );

    const build = await run([join(typescriptDir, "bin", "tsc"), "-p", "tsconfig.json"], {
      cwd: project.dir,
    });
    assert.equal(build.code, 0, build.output);
    assert.equal(build.output, "");
    const emitted = readFileSync(join(project.dir, "out", "grid.js"), "utf8");
    assert.match(emitted, /require\("access-ts-telemetry"\)/);
    assert.match(emitted, /trackCall\("mypackage_run", "Grid\.refine", \[\], \{ factor \}\)/);
    assert.match(emitted, /trackCall\("mypackage_run", "regrid", \[\], \{ cells, target \}\)/);

    const collector = await loadCollector()({ port: 0 });
    t.after(() => collector.close());
    const program = await run([join("out", "main.js")], {
      cwd: project.dir,
      env: telemetryEnv(collector, project.dir),
    });
    assert.equal(program.code, 0, program.output);
    assert.equal(program.stdout, "grid of 40 cells\nregridded 40 cells to 25\n");
    const records = await waitForRecords(collector, 2);
    assert.deepEqual(
      callsOf(records),
      sortCalls([
        { endpoint: "mypackage/run", function: "Grid.refine", args: [], kwargs: { factor: 4 } },
        {
          endpoint: "mypackage/run",
          function: "regrid",
          args: [],
          kwargs: { cells: 40, target: 25 },
        },
      ]),
    );
    assert.equal(records[0].config_version, "1.0.0");
  });
}

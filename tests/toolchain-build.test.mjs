// `tspc -b` on fixtures/toolchain-build: a solution tsconfig, a core project and an app project
// that references it, each with its own plugin entry and config.yaml. The incremental state in
// .tsbuildinfo knows nothing of config.yaml: after editing it, `tspc -b --force` (docs/toolchains.md).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  TSPC,
  linkModule,
  makeProject,
  run,
  runWithCollector,
  sortCalls,
} from "./helpers/toolchain-project.mjs";

const MAIN = [join("app", "out", "main.js")];
const OUTPUT = "solve: solved x + 1 = 2\ncheck: true\n";
const CALLS = [
  {
    endpoint: "mypackage/run",
    function: "Solver.solve",
    args: [],
    kwargs: { equation: "x + 1 = 2" },
  },
  {
    endpoint: "mypackage/results",
    function: "report",
    args: [],
    kwargs: { label: "solve", value: "solved x + 1 = 2" },
  },
  {
    endpoint: "mypackage/results",
    function: "report",
    args: [],
    kwargs: { label: "check", value: true },
  },
];

test("should build referenced projects instrumented, and apply a config.yaml edit with --force", async (t) => {
  const project = makeProject("toolchain-build", { link: ["@types/node"] });
  t.after(project.cleanup);
  linkModule(project.dir, "buildpkg-core", join(project.dir, "core"));
  const build = (...flags) => run([TSPC, "-b", "--verbose", ...flags], { cwd: project.dir });
  const coreJs = () => readFileSync(join(project.dir, "core", "out", "index.js"), "utf8");

  const first = await build();
  assert.equal(first.code, 0, first.output);
  assert.match(first.output, /Building project '.*\/core\/tsconfig\.json'/);
  assert.match(first.output, /Building project '.*\/app\/tsconfig\.json'/);
  assert.match(coreJs(), /trackCall\("mypackage_run", "Solver\.solve", \[\], \{ equation \}\)/);
  assert.doesNotMatch(
    readFileSync(join(project.dir, "core", "out", "index.d.ts"), "utf8"),
    /telemetry/,
  );

  const built = await runWithCollector(project, MAIN, { recordCount: 3 });
  assert.equal(built.stdout, OUTPUT);
  assert.deepEqual(built.calls, sortCalls(CALLS));

  const coreConfig = join(project.dir, "core", "config.yaml");
  writeFileSync(coreConfig, readFileSync(coreConfig, "utf8") + "    - Solver.check\n");

  // Only the sources and the tsconfig decide what -b rebuilds, so the old output stays.
  const incremental = await build();
  assert.equal(incremental.code, 0, incremental.output);
  assert.match(incremental.output, /Project 'core\/tsconfig\.json' is up to date/);
  assert.doesNotMatch(coreJs(), /"Solver\.check"/);

  const forced = await build("--force");
  assert.equal(forced.code, 0, forced.output);
  assert.match(coreJs(), /trackCall\("mypackage_run", "Solver\.check", \[\], \{ answer \}\)/);

  const rebuilt = await runWithCollector(project, MAIN, { recordCount: 4 });
  assert.equal(rebuilt.stdout, OUTPUT);
  assert.deepEqual(
    rebuilt.calls,
    sortCalls([
      ...CALLS,
      { endpoint: "mypackage/run", function: "Solver.check", args: [], kwargs: { answer: 1 } },
    ]),
  );
});

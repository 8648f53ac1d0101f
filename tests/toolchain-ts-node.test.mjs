// ts-node on fixtures/toolchain-ts-node: the program runs straight from its TypeScript sources,
// type-checked and with --transpile-only, both through the "ts-node": { "compiler":
// "ts-patch/compiler" } entry of its tsconfig.json.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { makeProject, runWithCollector } from "./helpers/toolchain-project.mjs";

const TOOLS = ["ts-node", "ts-patch", "@types/node"];
const TS_NODE = join("node_modules", "ts-node", "dist", "bin.js");
const store = (key, path) => ({
  endpoint: "mypackage/results",
  function: "Archive.store",
  args: [],
  kwargs: { key, path },
});

for (const flags of [[], ["--transpile-only"]]) {
  test(`should run instrumented sources with ts-node ${flags.join(" ")}`.trimEnd(), async (t) => {
    const project = makeProject("toolchain-ts-node", { link: TOOLS });
    t.after(project.cleanup);

    const result = await runWithCollector(project, [TS_NODE, ...flags, join("src", "main.ts")], {
      recordCount: 2,
      timeoutMs: 60_000,
    });
    assert.equal(result.stdout, "stored 1\nstored 2\n");
    assert.equal(result.stderr, "");
    assert.deepEqual(result.calls, [
      store("run1", "/data/run1.nc"),
      store("run2", "/data/run2.nc"),
    ]);
    assert.equal(result.records[0].config_version, "1.0.0");
  });
}

// ts-jest on fixtures/toolchain-jest, as two jest projects over the same test file: the full
// program, and isolatedModules (each file transpiled on its own). Both load the plugin through
// ts-patch/compiler. Jest's transform cache survives between the runs; the config.yaml digest in
// jest.config.js is what makes an edit of config.yaml compile the files again.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { makeProject, runWithCollector, sortCalls } from "./helpers/toolchain-project.mjs";

const TOOLS = ["jest", "ts-jest", "@jest", "ts-patch", "@types/node"];

function step(mode) {
  return {
    endpoint: "mypackage/run",
    function: "Model.step",
    args: [],
    kwargs: { label: mode, size: 2 },
  };
}

test("should instrument through ts-jest with and without isolatedModules, and recompile on config.yaml", async (t) => {
  const project = makeProject("toolchain-jest", { link: TOOLS });
  t.after(project.cleanup);
  const cacheDir = join(project.dir, ".jest-cache");
  const jest = [
    join("node_modules", "jest", "bin", "jest.js"),
    "--ci",
    "--cacheDirectory",
    cacheDir,
  ];

  const first = await runWithCollector(project, jest, { recordCount: 2, timeoutMs: 120_000 });
  assert.match(first.stderr, /PASS program src\/model\.test\.ts/);
  assert.match(first.stderr, /PASS isolated src\/model\.test\.ts/);
  assert.match(first.stderr, /Tests: +2 passed, 2 total/);
  assert.deepEqual(first.calls, sortCalls([step("program"), step("isolated")]));
  assert.ok(readdirSync(cacheDir).length > 0, "jest kept its transform cache");

  const config = join(project.dir, "config.yaml");
  writeFileSync(config, readFileSync(config, "utf8") + "    - Model.reset\n");

  const reset = () => ({
    endpoint: "mypackage/run",
    function: "Model.reset",
    args: [],
    kwargs: {},
  });
  const second = await runWithCollector(project, jest, { recordCount: 4, timeoutMs: 120_000 });
  assert.match(second.stderr, /Tests: +2 passed, 2 total/);
  assert.deepEqual(second.calls, sortCalls([step("program"), step("isolated"), reset(), reset()]));
});

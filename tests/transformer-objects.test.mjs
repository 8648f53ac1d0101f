// fixtures/transform-objects: methods, function-valued properties and accessors of const objects.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildAndRun, makeProject, readTree, trackedCalls } from "./helpers/transform-project.mjs";

const EXPECTED_CALLS = [
  { function: "api.run", args: [], kwargs: { task: "build", attempts: 1 } },
  { function: "api.run", args: [], kwargs: { task: "test", attempts: 3 } },
  { function: "api.save", args: [], kwargs: { value: 4 } },
  { function: "api.load", args: [], kwargs: { key: "k", fallback: "none" } },
  { function: "api.size", args: [], kwargs: {} },
  { function: "api.size", args: [], kwargs: { value: 5 } },
  { function: "api.size", args: [], kwargs: {} },
  { function: "api.describe", args: ["a", "b"], kwargs: {} },
  { function: "api.quoted", args: [], kwargs: { flag: true } },
  { function: "tools.format", args: [], kwargs: { value: 3.14159 } },
  { function: "tools.parse", args: [], kwargs: { text: "2.5" } },
  { function: "registry.lookup", args: [], kwargs: { name: "x" } },
];

describe("object literal members", () => {
  let project;
  let result;

  before(async () => {
    project = makeProject("transform-objects");
    result = await buildAndRun(project);
  });
  after(() => project?.cleanup());

  it("prints exactly what the plain build prints", () => {
    assert.equal(result.instrumented.code, 0, result.instrumented.stderr);
    assert.equal(result.instrumented.stdout, result.plain.stdout);
    assert.ok(result.plain.stdout.startsWith("api ran build x1\napi ran test x3\n4\napi:k:none\n"));
  });

  it("records members, accessors and properties under as const and satisfies", () => {
    assert.deepEqual(trackedCalls(result.instrumented.calls), EXPECTED_CALLS);
  });

  it("leaves members the config does not list alone", () => {
    const output = readFileSync(join(project.dir, "out", "api.js"), "utf8");
    assert.match(output, /notTracked\(\) \{\n\s+return "plain";/);
    assert.equal(output.match(/telemetryGate\.enabled/g)?.length, 10);
  });

  it("emits declaration files byte-identical to the plain build", () => {
    const declarations = readTree(join(project.dir, "out"), ".d.ts");
    assert.equal(declarations.size, 2);
    assert.deepEqual(declarations, readTree(join(project.dir, "out-plain"), ".d.ts"));
  });
});

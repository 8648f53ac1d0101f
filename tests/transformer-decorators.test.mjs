// Tracked members under TC39 decorators and under legacy (experimentalDecorators) decorators.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildAndRun, makeProject, readTree, trackedCalls } from "./helpers/transform-project.mjs";

describe("decorated tracked members", () => {
  const projects = {};
  const results = {};

  before(async () => {
    projects.tc39 = makeProject("transform-decorators");
    projects.legacy = makeProject("transform-decorators-legacy");
    [results.tc39, results.legacy] = await Promise.all([
      buildAndRun(projects.tc39),
      buildAndRun(projects.legacy),
    ]);
  });
  after(() => Object.values(projects).forEach((project) => project.cleanup()));

  it("TC39 decorators: same output, the decorator's wrapper around the tracked body", () => {
    const { instrumented, plain } = results.tc39;
    assert.equal(instrumented.code, 0, instrumented.stderr);
    assert.equal(instrumented.stdout, plain.stdout);
    assert.match(
      plain.stdout,
      /class Service decorated; field limit initialised; field compute set; constructed svc; enter handle; exit handle; enter retry; exit retry/,
    );
    assert.deepEqual(trackedCalls(instrumented.calls), [
      { function: "Service.constructor", args: [], kwargs: { name: "svc" } },
      { function: "Service.handle", args: [], kwargs: { request: { path: "/a" }, retries: 0 } },
      { function: "Service.status", args: [], kwargs: {} },
      { function: "Service.retry", args: [], kwargs: { times: 2 } },
      { function: "Service.compute", args: [], kwargs: { value: 2 } },
    ]);
  });

  it("legacy decorators: same output, parameter and accessor decorators included", () => {
    const { instrumented, plain } = results.legacy;
    assert.equal(instrumented.code, 0, instrumented.stderr);
    assert.equal(instrumented.stdout, plain.stdout);
    assert.match(plain.stdout, /enter create on class; enter handle on prototype; get status/);
    assert.deepEqual(trackedCalls(instrumented.calls), [
      { function: "Controller.create", args: [], kwargs: { base: "/api" } },
      { function: "Controller.constructor", args: [], kwargs: { base: "/api" } },
      { function: "Controller.handle", args: [], kwargs: { path: "/users", verbose: true } },
      { function: "Controller.status", args: [], kwargs: {} },
    ]);
  });

  it("emits declaration files byte-identical to the plain builds", () => {
    for (const project of Object.values(projects)) {
      const declarations = readTree(join(project.dir, "out"), ".d.ts");
      assert.equal(declarations.size, 2);
      assert.deepEqual(declarations, readTree(join(project.dir, "out-plain"), ".d.ts"));
    }
  });
});

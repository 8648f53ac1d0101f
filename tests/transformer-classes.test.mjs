// fixtures/transform-classes built with tspc and with plain tsc (CommonJS): every class form.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  buildBoth,
  makeProject,
  readTree,
  runOutput,
  trackedCalls,
} from "./helpers/transform-project.mjs";
import { decodeVlq, lineOf, originalLines } from "./helpers/transform-sourcemap.mjs";

const EXPECTED_CALLS = [
  {
    function: "Experiment.constructor",
    args: [],
    kwargs: { name: "alpha", retries: 1, tags: ["x"] },
  },
  { function: "Experiment.run", args: [], kwargs: { config: "config.yaml", verbose: false } },
  { function: "Experiment.run", args: [], kwargs: { config: "other.yaml", verbose: true } },
  { function: "Experiment.create", args: ["t1", "t2"], kwargs: { name: "beta" } },
  {
    function: "Experiment.constructor",
    args: [],
    kwargs: { name: "beta", retries: 2, tags: ["t1", "t2"] },
  },
  { function: "Experiment.run", args: [], kwargs: { config: "c", verbose: false } },
  { function: "Base.overloaded", args: [], kwargs: { value: 7 } },
  { function: "Experiment.fetchAll", args: [], kwargs: { ids: [1, 2, 3] } },
  { function: "Experiment.steps", args: [], kwargs: { count: 2 } },
  { function: "Experiment.stream", args: [], kwargs: { limit: 3 } },
  { function: "Experiment.label", args: [], kwargs: {} },
  { function: "Experiment.label", args: [], kwargs: { value: "four" } },
  { function: "Experiment.run", args: [], kwargs: { config: "after label", verbose: false } },
  { function: "Experiment.configure", args: [], kwargs: { options: { depth: 3 } } },
  { function: "Experiment.constructor", args: [], kwargs: { name: "gamma", retries: 5, tags: [] } },
  { function: "Derived.constructor", args: [], kwargs: { name: "gamma" } },
  { function: "Derived.run", args: [], kwargs: { config: "d.yaml" } },
  { function: "Experiment.run", args: [], kwargs: { config: "d.yaml", verbose: true } },
  { function: "Derived.onDone", args: [], kwargs: { code: 3 } },
  { function: "Derived.legacy", args: [1, 2, 3], kwargs: {} },
  { function: "Shape.area", args: [], kwargs: { scale: 2 } },
  { function: "Reporter.report", args: [], kwargs: { lines: ["a", "b"], prefix: "*" } },
  { function: "Anonymous.describe", args: [], kwargs: {} },
];

describe("class forms (CommonJS)", () => {
  let project;
  let builds;
  let instrumented;
  let plain;

  before(async () => {
    project = makeProject("transform-classes");
    builds = await buildBoth(project);
    [instrumented, plain] = await Promise.all([
      runOutput(project, "out/index.js"),
      runOutput(project, "out-plain/index.js"),
    ]);
  });
  after(() => project?.cleanup());

  it("emits declaration files byte-identical to the plain build", () => {
    const declarations = readTree(join(project.dir, "out"), ".d.ts");
    const plainDeclarations = readTree(join(project.dir, "out-plain"), ".d.ts");
    assert.deepEqual([...declarations.keys()].sort(), [
      "experiment.d.ts",
      "index.d.ts",
      "shapes.d.ts",
    ]);
    assert.deepEqual(declarations, plainDeclarations);
  });

  it("prints exactly what the plain build prints", () => {
    assert.equal(instrumented.code, 0, instrumented.stderr);
    assert.equal(instrumented.stderr, "");
    assert.equal(instrumented.stdout, plain.stdout);
    const lines = instrumented.stdout.split("\n");
    assert.ok(
      lines.indexOf("steps created, not yet started") < lines.indexOf("steps body entered"),
    );
    assert.ok(lines.includes("after fetchAll call | fetched 2,4,6"));
    assert.ok(lines.includes("caught gamma failed: on purpose"));
    assert.equal(lines.at(-2), "done");
  });

  it("hands each tracked call to the runtime with its entry, args and kwargs, in order", () => {
    assert.deepEqual(trackedCalls(instrumented.calls), EXPECTED_CALLS);
    const services = new Set(
      instrumented.calls.filter((c) => c.kind === "track").map((c) => c.service),
    );
    assert.deepEqual([...services].sort(), ["classes_derived", "classes_other", "classes_run"]);
    assert.equal(plain.calls.length, 0);
  });

  it("declares every service once per instrumented file, with the package version", () => {
    const declared = instrumented.calls.filter((call) => call.kind === "declare");
    assert.deepEqual(declared.map((call) => call.from).sort(), ["experiment.js", "shapes.js"]);
    for (const call of declared) {
      assert.deepEqual(call.options, { configVersion: "2.3.1" });
      assert.deepEqual(Object.keys(call.services), [
        "classes_run",
        "classes_derived",
        "classes_other",
      ]);
      assert.deepEqual(call.services.classes_derived, {
        endpoint: "classes/derived",
        functions: ["Derived.constructor", "Derived.run", "Derived.onDone", "Derived.legacy"],
      });
    }
  });

  it("names the runtime import so that it cannot clash with a user binding", () => {
    const output = readFileSync(join(project.dir, "out", "experiment.js"), "utf8");
    assert.match(output, /const access_telemetry_1 = "user value";/);
    assert.match(output, /const access_telemetry_2 = require\("recording-runtime"\);/);
    assert.ok(instrumented.stdout.includes("base exp-alpha (user value)"));
  });

  it("skips overload signatures, abstract members and declare fields", () => {
    const output = readFileSync(join(project.dir, "out", "experiment.js"), "utf8");
    assert.equal(output.match(/trackCall\("classes_other", "Base\.overloaded"/g)?.length, 1);
    assert.doesNotMatch(output, /"Base\.shape"|"Experiment\.note"/);
  });

  it("keeps the source-map positions of the original lines", () => {
    const source = readFileSync(join(project.dir, "src", "experiment.ts"), "utf8");
    const output = readFileSync(join(project.dir, "out", "experiment.js"), "utf8");
    const map = join(project.dir, "out", "experiment.js.map");
    for (const marker of [
      "steps body entered",
      "fetchAll resumed",
      "${this.name} done with",
      "on purpose",
    ]) {
      const mapped = originalLines(map, lineOf(output, marker));
      assert.ok(mapped.length > 0, `no mapping for ${marker}`);
      for (const segment of mapped) {
        assert.equal(segment.source, "../src/experiment.ts");
        assert.equal(segment.line, lineOf(source, marker), marker);
      }
    }
  });

  it("builds with warnings only and exit code 0, naming each unregistered service", () => {
    assert.equal(builds.plugin.code, 0);
    assert.match(
      builds.plugin.stdout,
      /config\.yaml\(3,3\): warning TS990302: access-ts-telemetry: service "classes_run" \(endpoint "classes\/run"\) has no endpoint/,
    );
    assert.match(builds.plugin.stdout, /open an issue on the reporting server's repository/);
    assert.doesNotMatch(builds.plugin.stdout, /TS990301/);
  });
});

describe("the source-map reader of these tests", () => {
  it("decodes base64 VLQ segments", () => {
    assert.deepEqual(decodeVlq("AAAA"), [0, 0, 0, 0]);
    assert.deepEqual(decodeVlq("SAAQ"), [9, 0, 0, 8]);
    assert.deepEqual(decodeVlq("gBAAD"), [16, 0, 0, -1]);
    assert.deepEqual(decodeVlq("2HwlBkB"), [123, 600, 18]);
  });
});

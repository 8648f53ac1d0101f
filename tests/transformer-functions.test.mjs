// fixtures/transform-functions: bare names, with `arguments` named (default) and positional.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  buildBoth,
  buildWithPlugin,
  makeProject,
  readTree,
  runOutput,
  trackedCalls,
} from "./helpers/transform-project.mjs";
import { lineOf, originalLines } from "./helpers/transform-sourcemap.mjs";

const NAMED = [
  { function: "save_all", args: [], kwargs: { path: "a.csv", overwrite: false, level: 2 } },
  { function: "summarise", args: ["x", "y"], kwargs: { values: [1, 2, 3] } },
  { function: "pick", args: [], kwargs: { value: "abc" } },
  { function: "pick", args: [], kwargs: { value: 21 } },
  { function: "countdown", args: [], kwargs: { from: 3 } },
  { function: "render", args: ["extra"], kwargs: { first: "a", third: "none" } },
  { function: "render", args: ["[undefined]"], kwargs: { first: "a", third: "c" } },
  { function: "double", args: [], kwargs: { value: 21 } },
  { function: "makePoint", args: [], kwargs: { x: 2, y: 0 } },
  { function: "loadLater", args: [], kwargs: { id: "id-7" } },
  { function: "scale", args: [1, 2], kwargs: { factor: 3 } },
  { function: "noop", args: [], kwargs: {} },
  { function: "normalise", args: [], kwargs: { input: "  MiXeD  " } },
  { function: "deepest", args: [], kwargs: { depth: 3 } },
];

// Positional: every argument in order; a destructured parameter is rebuilt from what it binds.
const POSITIONAL = [
  { function: "save_all", args: ["a.csv", { overwrite: false, level: 2 }], kwargs: {} },
  { function: "summarise", args: [[1, 2, 3], "x", "y"], kwargs: {} },
  { function: "pick", args: ["abc"], kwargs: {} },
  { function: "pick", args: [21], kwargs: {} },
  { function: "countdown", args: [3], kwargs: {} },
  { function: "render", args: [["a", "[undefined]", "none"], "extra"], kwargs: {} },
  { function: "render", args: [["a", "[undefined]", "c"], "[undefined]"], kwargs: {} },
  { function: "double", args: [21], kwargs: {} },
  { function: "makePoint", args: [2, 0], kwargs: {} },
  { function: "loadLater", args: ["id-7"], kwargs: {} },
  { function: "scale", args: [3, 1, 2], kwargs: {} },
  { function: "noop", args: [], kwargs: {} },
  { function: "normalise", args: ["  MiXeD  "], kwargs: {} },
  { function: "deepest", args: [3], kwargs: {} },
];

const PLUGIN = { transform: "access-ts-telemetry/transformer", runtime: "recording-runtime" };

describe("bare function names", () => {
  let named;
  let positional;
  let runs;

  before(async () => {
    named = makeProject("transform-functions");
    positional = makeProject("transform-functions", {
      tsconfig: { plugins: [{ ...PLUGIN, arguments: "positional" }] },
    });
    const [, positionalBuild] = await Promise.all([buildBoth(named), buildWithPlugin(positional)]);
    assert.equal(positionalBuild.code, 0, positionalBuild.stdout);
    const [instrumented, plain, positionalRun] = await Promise.all([
      runOutput(named, "out/index.js"),
      runOutput(named, "out-plain/index.js"),
      runOutput(positional, "out/index.js"),
    ]);
    runs = { instrumented, plain, positional: positionalRun };
  });
  after(() => {
    named?.cleanup();
    positional?.cleanup();
  });

  it("prints exactly what the plain build prints, generators still lazy", () => {
    assert.equal(runs.instrumented.code, 0, runs.instrumented.stderr);
    assert.equal(runs.instrumented.stdout, runs.plain.stdout);
    assert.equal(runs.positional.stdout, runs.plain.stdout);
    const lines = runs.plain.stdout.split("\n");
    assert.ok(lines.indexOf("countdown created") < lines.indexOf("countdown started at 3"));
    assert.ok(lines.includes('{"x":2,"y":0,"sum":2}'));
  });

  it("records declared parameters by name, bound names of patterns, rest values in args", () => {
    assert.deepEqual(trackedCalls(runs.instrumented.calls), NAMED);
  });

  it("records every argument in order under arguments: positional", () => {
    assert.deepEqual(trackedCalls(runs.positional.calls), POSITIONAL);
    assert.ok(runs.positional.calls.filter((c) => c.kind === "track").every((c) => c.argsIsArray));
  });

  it("emits declaration files byte-identical to the plain build", () => {
    const declarations = readTree(join(named.dir, "out"), ".d.ts");
    assert.equal(declarations.size, 4);
    assert.deepEqual(declarations, readTree(join(named.dir, "out-plain"), ".d.ts"));
    assert.deepEqual(readTree(join(positional.dir, "out"), ".d.ts"), declarations);
  });

  it("keeps the prologue first and leaves let-bound functions alone", () => {
    const declared = readFileSync(join(named.dir, "out", "declared.js"), "utf8");
    assert.match(
      declared,
      /\{\n {4}"use strict";\n {4}if \(access_telemetry_1\.telemetryGate\.enabled\)/,
    );
    const bound = readFileSync(join(named.dir, "out", "bound.js"), "utf8");
    assert.match(bound, /let reassigned = \(value\) => value \+ 1;/);
    assert.doesNotMatch(declared, /notEmitted/);
  });

  it("turns an expression body into a block that returns the same value", () => {
    const bound = readFileSync(join(named.dir, "out", "bound.js"), "utf8");
    assert.match(
      bound,
      /const makePoint = \(x, y = 0\) => \{ if \(access_telemetry_1\.telemetryGate\.enabled\) access_telemetry_1\.trackCall\("functions_bound", "makePoint", \[\], \{ x, y \}\); return \(\{ x, y, sum: x \+ y \}\); \};/,
    );
  });

  it("maps the rewritten arrow back to its original line", () => {
    const source = readFileSync(join(named.dir, "src", "bound.ts"), "utf8");
    const output = readFileSync(join(named.dir, "out", "bound.js"), "utf8");
    const mapped = originalLines(
      join(named.dir, "out", "bound.js.map"),
      lineOf(output, "sum: x + y"),
    );
    assert.ok(mapped.some((segment) => segment.line === lineOf(source, "sum: x + y")));
    assert.ok(mapped.every((segment) => segment.source === "../src/bound.ts"));
  });
});

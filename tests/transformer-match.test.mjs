// matchProgram on real programs (no emit), the files the transformer walks, and plugin options.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeProject, repoRoot } from "./helpers/transform-project.mjs";

const require = createRequire(import.meta.url);
const ts = require(join(repoRoot, "node_modules/typescript"));
const transformer = require(join(repoRoot, "dist/cjs/transformer/index.js"));

const SOURCE = `
export class Experiment {
  constructor(readonly name: string) {}
  run(): void {}
  static create(): Experiment { return new Experiment("x"); }
  get label(): string { return ""; }
  set label(value: string) {}
  handler = () => 1;
  overloaded(a: string): void;
  overloaded(a: string | number): void {}
}
export default class Shape { area(): number { return 1; } }
export const Maker = class { make() {} };
export const api = { load() {}, save: function () {}, fetch: async () => 1 };
export function save_all(): void {}
export const double = (x: number) => x * 2;
export namespace tools { export function helper(): void {} }
export abstract class Base { abstract shape(): void; }
declare function ambient(): void;
function later() {
  function nested() {}
  const inner = () => 1;
  return [nested, inner];
}
`;

const CONFIG = `pkg:
  run:
    - Experiment.run
    - Experiment.create
    - Experiment.label
    - Experiment.handler
    - Experiment.constructor
    - Experiment.overloaded
    - Shape.area
    - Maker.make
    - api.load
    - api.save
    - api.fetch
    - save_all
    - double
    - helper
  missing:
    - Experiment.rum
    - saveAll
    - Base.shape
    - nested
    - inner
    - ambient
`;

function programOf(dir, files) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    types: [],
  };
  return ts.createProgram(
    Object.keys(files).map((name) => join(dir, name)),
    options,
  );
}

describe("matchProgram", () => {
  let dir;
  let result;
  let model;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "att-match-"));
    const program = programOf(dir, { "forms.ts": SOURCE });
    model = transformer.parseConfig(CONFIG, join(dir, "config.yaml"));
    result = transformer.matchProgram(ts, program, model);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("finds every declaration each entry names, with file, line, column and kind", () => {
    const found = {};
    for (const [entry, declarations] of result.matches) {
      found[entry.name] = declarations.map(
        (d) => `${basename(d.file)}:${d.line}:${d.column} ${d.kind}${d.static ? " static" : ""}`,
      );
    }
    assert.deepEqual(found, {
      "Experiment.run": ["forms.ts:4:3 method"],
      "Experiment.create": ["forms.ts:5:10 method static"],
      "Experiment.label": ["forms.ts:6:7 getter", "forms.ts:7:7 setter"],
      "Experiment.handler": ["forms.ts:8:3 field"],
      "Experiment.constructor": ["forms.ts:3:3 constructor"],
      "Experiment.overloaded": ["forms.ts:10:3 method"],
      "Shape.area": ["forms.ts:12:30 method"],
      "Maker.make": ["forms.ts:13:30 method"],
      "api.load": ["forms.ts:14:22 object-method"],
      "api.save": ["forms.ts:14:33 object-property"],
      "api.fetch": ["forms.ts:14:55 object-property"],
      save_all: ["forms.ts:15:17 function"],
      double: ["forms.ts:16:14 const-function"],
      helper: ["forms.ts:17:42 function"],
      "Experiment.rum": [],
      saveAll: [],
      "Base.shape": [],
      nested: [],
      inner: [],
      ambient: [],
    });
  });

  it("lists unmatched entries with the closest existing names and the reason", () => {
    const unmatched = Object.fromEntries(
      result.unmatched.map((u) => [u.entry.name, { suggestions: u.suggestions, hint: u.hint }]),
    );
    assert.deepEqual(Object.keys(unmatched), [
      "Experiment.rum",
      "saveAll",
      "Base.shape",
      "nested",
      "inner",
      "ambient",
    ]);
    assert.deepEqual(unmatched["Experiment.rum"].suggestions, ["Experiment.run"]);
    assert.deepEqual(unmatched.saveAll.suggestions, ["save_all"]);
    assert.match(unmatched["Base.shape"].hint, /is abstract/);
    assert.match(unmatched.ambient.hint, /only declared ambiently/);
    assert.deepEqual(unmatched.nested, { suggestions: [], hint: undefined });
  });

  it("groups tracked declarations by source file, each with its entries", () => {
    const [[file, tracked]] = [...result.byFile];
    assert.equal(basename(file.fileName), "forms.ts");
    assert.equal(tracked.length, 15);
    assert.ok(tracked.every((t) => t.entries.every((e) => e.service === "pkg_run")));
  });

  it("accepts a list of services and source files instead of a model and a program", () => {
    const program = programOf(dir, { "other.ts": "export function helper(): void {}\n" });
    const files = program.getSourceFiles().filter((f) => f.fileName.endsWith("other.ts"));
    const direct = transformer.matchProgram(ts, files, model.services);
    const helper = [...direct.matches].find(([entry]) => entry.name === "helper");
    assert.deepEqual(
      helper[1].map((d) => `${d.line}:${d.column}`),
      ["1:17"],
    );
  });
});

describe("files the transformer walks", () => {
  let project;
  before(() => (project = makeProject("transform-modules")));
  after(() => project?.cleanup());

  it("walks only files with something to track or importing the runtime", () => {
    const configPath = join(project.dir, "tsconfig.json");
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const walked = [];
    const diagnostics = [];
    const factory = transformer.default(
      program,
      { config: "./config.yaml", runtime: "recording-runtime" },
      { ts, library: "typescript", addDiagnostic: (d) => diagnostics.push(d) },
      { onFileWalked: (fileName) => walked.push(basename(fileName)) },
    );
    const written = new Map();
    const emit = program.emit(
      undefined,
      (name, text) => written.set(basename(name), text),
      undefined,
      false,
      {
        before: [factory],
      },
    );
    assert.equal(emit.emitSkipped, false);
    assert.deepEqual(walked.sort(), ["lib.ts", "setup.ts", "variant.ts"]);
    assert.ok(written.get("index.js").length > 0);
    assert.doesNotMatch(written.get("index.js"), /recording-runtime/);
    assert.match(written.get("setup.js"), /access_telemetry_1\.declareServices\(/);

    const codes = diagnostics.map((d) => [d.code, ts.DiagnosticCategory[d.category]]);
    assert.deepEqual(codes, [
      [990302, "Warning"],
      [990302, "Warning"],
    ]);
  });
});

describe("plugin options", () => {
  const dir = mkdtempSync(join(tmpdir(), "att-options-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("applies the documented defaults", () => {
    const { options, errors, warnings } = transformer.resolveOptions({}, dir);
    assert.deepEqual(options, {
      configFile: join(dir, "config.yaml"),
      strict: false,
      arguments: "named",
      runtime: "access-ts-telemetry",
      configVersion: "0",
    });
    assert.deepEqual([errors, warnings], [[], []]);
  });

  it("takes configVersion from the package.json next to the tsconfig, unless set", () => {
    mkdirSync(join(dir, "pkg"));
    writeFileSync(join(dir, "pkg", "package.json"), '{ "version": "4.5.6" }');
    assert.equal(transformer.resolveOptions({}, join(dir, "pkg")).options.configVersion, "4.5.6");
    const set = transformer.resolveOptions({ configVersion: "2024.1" }, join(dir, "pkg"));
    assert.equal(set.options.configVersion, "2024.1");
  });

  it("resolves config against the tsconfig directory and keeps ts-patch's own keys", () => {
    const raw = { config: "conf/telemetry.yaml", transform: "x", import: "default", after: false };
    const { options, errors } = transformer.resolveOptions(raw, dir);
    assert.equal(options.configFile, join(dir, "conf", "telemetry.yaml"));
    assert.deepEqual(errors, []);
  });

  it("rejects unknown and ill-typed options, falling back to the defaults", () => {
    const raw = { arguments: "keyword", strict: 1, configVersion: 1.2, runtim: "x", config: "" };
    const { options, errors } = transformer.resolveOptions(raw, dir);
    assert.deepEqual(errors, [
      'unknown option "runtim" in the "access-ts-telemetry/transformer" plugin entry of tsconfig.json (did you mean "runtime"?); known options: config, strict, arguments, runtime, configVersion',
      'option "config" in the "access-ts-telemetry/transformer" plugin entry of tsconfig.json: expected a non-empty string, found string ""',
      'option "configVersion" in the "access-ts-telemetry/transformer" plugin entry of tsconfig.json: expected a non-empty string, found number 1.2',
      'option "strict" in the "access-ts-telemetry/transformer" plugin entry of tsconfig.json: expected true or false, found number 1',
      'option "arguments" in the "access-ts-telemetry/transformer" plugin entry of tsconfig.json: expected "named" or "positional", found string "keyword"',
    ]);
    assert.equal(options.arguments, "named");
    assert.equal(options.strict, false);
  });

  it("refuses to run without ts-patch's extras", () => {
    assert.throws(
      () => transformer.default({}, {}, undefined),
      /must run as a ts-patch program plugin/,
    );
  });
});

// fixtures/transform-modules across module formats, module options and TypeScript 5.9 / 6.0.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  buildAndRun,
  buildPlain,
  buildWithPlugin,
  makeProject,
  readTree,
  runOutput,
  trackedCalls,
} from "./helpers/transform-project.mjs";

const ESM_PACKAGE =
  '{ "name": "fixture-transform-modules", "version": "5.1.0", "type": "module" }\n';

const HELPER_CTS = `// A CommonJS file of an ES module package; its runtime import must be a require.
function describeFormat(kind: string): string {
  return \`helper.cts called from \${kind}\`;
}
const loadExtra = (count: number): string => \`cts loaded \${count}\`;
export = { describeFormat, loadExtra };
`;

const VARIANT_USING_CTS = `import helper from "./helper.cjs";
export async function variant(): Promise<string> {
  return \`\${helper.describeFormat("esm")}, \${helper.loadExtra(3)}\`;
}
`;

const EXTRA_MTS = `// An ES module file of a CommonJS package, loaded with import().
export const loadExtra = (count: number): string => \`extra.mts loaded \${count}\`;
export function describeFormat(kind: string): string {
  return \`extra.mts called from \${kind}\`;
}
`;

const VARIANT_USING_MTS = `export async function variant(): Promise<string> {
  const extra = await import("./extra.mjs");
  return \`\${extra.loadExtra(2)} / \${extra.describeFormat("cjs")}\`;
}
`;

const NODENEXT = { module: "nodenext", moduleResolution: "nodenext" };

// name -> makeProject options, the variant's own calls, the files that declare the services.
const VARIANTS = {
  "commonjs + esModuleInterop + importHelpers": {
    options: {},
    variantCalls: [
      { function: "describeFormat", args: [], kwargs: { kind: "index" } },
      { function: "loadExtra", args: [], kwargs: { count: 1 } },
    ],
    declaredIn: ["lib.js", "setup.js", "variant.js"],
  },
  "esnext + bundler + verbatimModuleSyntax (type module)": {
    options: {
      tsconfig: { module: "esnext", moduleResolution: "bundler", verbatimModuleSyntax: true },
      files: { "package.json": ESM_PACKAGE },
    },
    variantCalls: [
      { function: "describeFormat", args: [], kwargs: { kind: "index" } },
      { function: "loadExtra", args: [], kwargs: { count: 1 } },
    ],
    declaredIn: ["lib.js", "setup.js", "variant.js"],
  },
  "nodenext + verbatimModuleSyntax, type module, with a .cts file": {
    options: {
      tsconfig: { ...NODENEXT, verbatimModuleSyntax: true },
      files: {
        "package.json": ESM_PACKAGE,
        "src/helper.cts": HELPER_CTS,
        "src/variant.ts": VARIANT_USING_CTS,
      },
    },
    variantCalls: [
      { function: "describeFormat", args: [], kwargs: { kind: "esm" } },
      { function: "loadExtra", args: [], kwargs: { count: 3 } },
    ],
    declaredIn: ["helper.cjs", "lib.js", "setup.js"],
  },
  "nodenext + esModuleInterop + importHelpers, CommonJS package, with a .mts file": {
    options: {
      tsconfig: NODENEXT,
      files: { "src/extra.mts": EXTRA_MTS, "src/variant.ts": VARIANT_USING_MTS },
    },
    variantCalls: [
      { function: "loadExtra", args: [], kwargs: { count: 2 } },
      { function: "describeFormat", args: [], kwargs: { kind: "cjs" } },
    ],
    declaredIn: ["extra.mjs", "lib.js", "setup.js"],
  },
  "TypeScript 6.0, commonjs": {
    options: { typescript: "typescript-6.0" },
    variantCalls: [
      { function: "describeFormat", args: [], kwargs: { kind: "index" } },
      { function: "loadExtra", args: [], kwargs: { count: 1 } },
    ],
    declaredIn: ["lib.js", "setup.js", "variant.js"],
  },
  "TypeScript 6.0, esnext (type module)": {
    options: {
      typescript: "typescript-6.0",
      tsconfig: { module: "esnext", moduleResolution: "bundler" },
      files: { "package.json": ESM_PACKAGE },
    },
    variantCalls: [
      { function: "describeFormat", args: [], kwargs: { kind: "index" } },
      { function: "loadExtra", args: [], kwargs: { count: 1 } },
    ],
    declaredIn: ["lib.js", "setup.js", "variant.js"],
  },
};

const COMMON_CALLS = [
  { function: "open_catalog", args: [], kwargs: { path: "/data" } },
  { function: "Catalog.constructor", args: ["/data/a", "/data/b", "unrelated c"], kwargs: {} },
  { function: "Catalog.search", args: [], kwargs: { query: "a", limit: 10 } },
  { function: "Catalog.search", args: [], kwargs: { query: "/", limit: 1 } },
  {
    function: "catalogTools.keys",
    args: [],
    kwargs: { catalog: { entries: ["/data/a", "/data/b", "unrelated c"] } },
  },
  { function: "Catalog.search", args: [], kwargs: { query: "", limit: 10 } },
];

describe("module formats", () => {
  const projects = new Map();
  const results = new Map();

  before(async () => {
    for (const [name, variant] of Object.entries(VARIANTS)) {
      projects.set(name, makeProject("transform-modules", variant.options));
    }
    // Two builds at a time each (plugin and plain): the suite runs on two cores.
    for (const [name, project] of projects) results.set(name, await buildAndRun(project));
  });
  after(() => [...projects.values()].forEach((project) => project.cleanup()));

  for (const [name, variant] of Object.entries(VARIANTS)) {
    describe(name, () => {
      it("prints what the plain build prints and records every tracked call", () => {
        const { instrumented, plain } = results.get(name);
        assert.equal(instrumented.code, 0, instrumented.stderr);
        assert.equal(instrumented.stderr, "");
        assert.equal(instrumented.stdout, plain.stdout);
        assert.match(plain.stdout, /gate is a boolean\ndone\n$/);
        assert.deepEqual(trackedCalls(instrumented.calls), [
          ...COMMON_CALLS,
          ...variant.variantCalls,
        ]);
      });

      it("declares the services in each instrumented file and each file importing the runtime", () => {
        const declared = results
          .get(name)
          .instrumented.calls.filter((call) => call.kind === "declare");
        assert.deepEqual(declared.map((call) => call.from).sort(), variant.declaredIn);
        assert.ok(declared.every((call) => call.options.configVersion === "5.1.0"));
      });

      it("emits the same declarations, and leaves a file naming nothing tracked untouched", () => {
        const dir = projects.get(name).dir;
        const declarations = readTree(join(dir, "out"), ".d.ts");
        assert.ok(declarations.size >= 5);
        assert.deepEqual(declarations, readTree(join(dir, "out-plain"), ".d.ts"));
        const untouched = readTree(join(dir, "out"), "untouched.js");
        assert.equal(untouched.size, 1);
        assert.deepEqual(untouched, readTree(join(dir, "out-plain"), "untouched.js"));
      });
    });
  }

  it("uses require for CommonJS output and import for ES module output", () => {
    const read = (name, file) => readFileSync(join(projects.get(name).dir, "out", file), "utf8");
    const cjs = read("commonjs + esModuleInterop + importHelpers", "lib.js");
    assert.match(cjs, /const access_telemetry_1 = require\("recording-runtime"\);/);
    assert.match(cjs, /tslib_1\.__importStar\(require\("\.\/untouched\.js"\)\)/);
    const esm = read("esnext + bundler + verbatimModuleSyntax (type module)", "lib.js");
    assert.match(esm, /^import \* as access_telemetry_1 from "recording-runtime";$/m);
    const cts = read(
      "nodenext + verbatimModuleSyntax, type module, with a .cts file",
      "helper.cjs",
    );
    assert.match(cts, /const access_telemetry_1 = require\("recording-runtime"\);/);
    const mts = read(
      "nodenext + esModuleInterop + importHelpers, CommonJS package, with a .mts file",
      "extra.mjs",
    );
    assert.match(mts, /^import \* as access_telemetry_1 from "recording-runtime";$/m);
  });

  it("builds nothing but a property check when the gate is closed", async () => {
    const project = projects.get("commonjs + esModuleInterop + importHelpers");
    const closed = await runOutput(project, join("out", "index.js"), {
      env: { RECORDING_DISABLED: "1" },
    });
    assert.equal(
      closed.stdout,
      results.get("commonjs + esModuleInterop + importHelpers").plain.stdout,
    );
    assert.equal(trackedCalls(closed.calls).length, 0);
    assert.equal(closed.calls.filter((call) => call.kind === "declare").length, 3);
  });

  it("changes nothing when run over its own output", async () => {
    const project = projects.get("esnext + bundler + verbatimModuleSyntax (type module)");
    const second = (outDir, plugins) => ({
      compilerOptions: {
        target: "es2022",
        module: "esnext",
        moduleResolution: "bundler",
        allowJs: true,
        skipLibCheck: true,
        types: [],
        rootDir: "out",
        outDir,
        plugins,
      },
      include: ["out/**/*.js"],
    });
    const plugin = { transform: "access-ts-telemetry/transformer", runtime: "recording-runtime" };
    writeFileSync(
      join(project.dir, "tsconfig.json"),
      JSON.stringify(second("out-again", [plugin])),
    );
    writeFileSync(
      join(project.dir, "tsconfig.plain.json"),
      JSON.stringify(second("out-again-plain", [])),
    );

    const [again, againPlain] = await Promise.all([buildWithPlugin(project), buildPlain(project)]);
    assert.equal(again.code, 0, again.stdout);
    assert.equal(againPlain.code, 0, againPlain.stdout);
    assert.doesNotMatch(again.stdout, /TS990301/);

    const output = readTree(join(project.dir, "out-again"), ".js");
    assert.equal(output.size, 5);
    assert.deepEqual(output, readTree(join(project.dir, "out-again-plain"), ".js"));
    const lib = output.get("lib.js");
    assert.equal(lib.match(/declareServices\(/g)?.length, 1);
    assert.equal(lib.match(/trackCall\(/g)?.length, 4);
  });
});

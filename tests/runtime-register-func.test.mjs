// registerFunc as a method decorator, compiled by the real TypeScript compiler in both
// decorator modes (TC39 and experimentalDecorators), type-checked against the package's
// declarations, run, and its records received.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { startCollector } from "./helpers/runtime-server.mjs";
import { lastJson, makeProject, packageRoot } from "./helpers/runtime-child.mjs";

const require = createRequire(import.meta.url);
const ts = require("typescript");

const SOURCE = `
import { registerFunc, TelemetryRegister, ApiHandler } from "access-ts-telemetry";

class Experiment {
  constructor(public label: string) {}

  @registerFunc("mypackage_run")
  run(config: string): string {
    return \`\${this.label}:\${config}\`;
  }

  @registerFunc("mypackage_run", { name: "Experiment.submit", extraFields: { decorated: true } })
  submitLater(): string {
    return "submitted";
  }

  @registerFunc("mypackage_results", { popFields: ["name"] })
  static save(path: string): string {
    return "saved " + path;
  }
}

class Child extends Experiment {}

const plain = registerFunc("mypackage_results")(function exportAll(a: number, b: number) {
  return a * b;
});
const product: number = plain(6, 7);

console.log(new Experiment("e").run("a"), new Child("c").run("b"), new Experiment("x").submitLater());
console.log(Experiment.save("p"), product);
new TelemetryRegister("mypackage_run").deregister("Experiment.submit");
new Experiment("y").submitLater();
console.log(JSON.stringify({
  results: [...new TelemetryRegister("mypackage_results")],
  queued: new ApiHandler().counters.queued,
}));
`;

function compile(project, experimentalDecorators) {
  const file = join(project.dir, "experiment.ts");
  project.write({ "experiment.ts": SOURCE });
  const options = {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    experimentalDecorators,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
    typeRoots: [join(packageRoot, "node_modules", "@types")],
  };
  const program = ts.createProgram([file], options);
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  const output = ts.transpileModule(SOURCE, {
    compilerOptions: { ...options, module: ts.ModuleKind.CommonJS, noEmit: false },
  }).outputText;
  project.write({ "experiment.cjs": output });
  return diagnostics;
}

for (const experimentalDecorators of [false, true]) {
  const mode = experimentalDecorators ? "legacy decorators" : "TC39 decorators";

  describe(`registerFunc with ${mode}`, () => {
    let collector;
    let project;
    let diagnostics;
    let result;
    let received;

    before(async () => {
      collector = await startCollector();
      project = makeProject();
      diagnostics = compile(project, experimentalDecorators);
      result = await project.run("experiment.cjs", {
        env: { ACCESS_TELEMETRY_SERVER_URL: collector.url },
      });
      received = await collector.waitFor(5);
    });

    after(async () => {
      await collector?.close();
      project?.cleanup();
    });

    test("the source type-checks against the package's declarations", () => {
      assert.deepEqual(diagnostics, []);
    });

    test("methods behave as before: this, arguments, return values, static", () => {
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trim().split("\n");
      assert.equal(lines[0], "e:a c:b submitted");
      assert.equal(lines[1], "saved p 42");
    });

    test("records name the declaring class, take positional args, honour options", async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(collector.requests.length, 5);
      const calls = received.map((r) => [r.url, r.body.function, r.body.args]);
      assert.deepEqual(calls.sort(), [
        ["/api/mypackage/results/", "Experiment.save", ["p"]],
        ["/api/mypackage/results/", "exportAll", [6, 7]],
        ["/api/mypackage/run/", "Experiment.run", ["a"]],
        ["/api/mypackage/run/", "Experiment.run", ["b"]],
        ["/api/mypackage/run/", "Experiment.submit", []],
      ]);
      const submit = received.find((r) => r.body.function === "Experiment.submit");
      assert.equal(submit.body.decorated, true);
      const save = received.find((r) => r.body.function === "Experiment.save");
      assert.equal(save.body.name, undefined);
      const run = received.find((r) => r.body.function === "Experiment.run");
      assert.equal(typeof run.body.name, "string");
    });

    test("decorated names join the register; deregistering stops them", () => {
      const { results } = lastJson(result);
      assert.deepEqual(results, ["Results.save", "Results.export", "Experiment.save", "exportAll"]);
    });
  });
}

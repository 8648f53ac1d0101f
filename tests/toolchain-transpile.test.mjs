// The one-file programs of ts.transpileModule (what ts-jest isolatedModules, ts-loader and
// ts-node transpileOnly build): each file is instrumented on its own; only errors are reported
// there (a config problem), while warnings (an entry declared in another file looks unmatched, a
// service without an endpoint) are left to the full program, which still reports them.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { TSPC, makeProject, repoModules, run } from "./helpers/toolchain-project.mjs";

const ts = createRequire(import.meta.url)(join(repoModules, "ts-patch", "compiler"));

function transpile(dir, file) {
  const fileName = join(dir, "src", file);
  const result = ts.transpileModule(readFileSync(fileName, "utf8"), {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      configFilePath: join(dir, "tsconfig.json"),
      plugins: [{ transform: "access-ts-telemetry/transformer", config: "./config.yaml" }],
    },
  });
  const diagnostics = result.diagnostics.map((diagnostic) => ({
    code: diagnostic.code,
    message: ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
  }));
  return { output: result.outputText, diagnostics };
}

test("should instrument each transpiled file on its own without unmatched-entry noise", (t) => {
  const project = makeProject("toolchain-webpack");
  t.after(project.cleanup);

  const pipeline = transpile(project.dir, "pipeline.ts");
  assert.deepEqual(pipeline.diagnostics, []);
  assert.match(
    pipeline.output,
    /trackCall\("mypackage_run", "Pipeline\.run", \[\], \{ input, dryRun \}\)/,
  );
  assert.match(pipeline.output, /trackCall\("mypackage_run", "describe", \[\], \{ stages \}\)/);

  const main = transpile(project.dir, "main.ts");
  assert.deepEqual(main.diagnostics, []);
  assert.doesNotMatch(main.output, /trackCall/);
});

test("should leave warnings such as an unregistered service to the full build", async (t) => {
  const project = makeProject("toolchain-webpack", { link: ["@types/node"] });
  t.after(project.cleanup);
  const config = join(project.dir, "config.yaml");
  writeFileSync(
    config,
    readFileSync(config, "utf8").replace("mypackage:\n  run:", "newpkg:\n  run:"),
  );

  const pipeline = transpile(project.dir, "pipeline.ts");
  assert.deepEqual(pipeline.diagnostics, []);
  assert.match(pipeline.output, /trackCall\("newpkg_run", "Pipeline\.run"/);

  const build = await run([TSPC, "-p", "tsconfig.json"], { cwd: project.dir });
  assert.match(
    build.output,
    /warning TS990302: .*service "newpkg_run" \(endpoint "newpkg\/run"\) has no endpoint/,
  );
});

test("should still report a config.yaml problem in a transpiled file", (t) => {
  const project = makeProject("toolchain-webpack");
  t.after(project.cleanup);
  const config = join(project.dir, "config.yaml");
  writeFileSync(config, readFileSync(config, "utf8").replace("- describe", "- 42"));

  const { diagnostics } = transpile(project.dir, "main.ts");
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  assert.match(diagnostics[0].message, /expected a string entry .* found the number 42/);
});

test("should still report an unmatched entry in a full program", async (t) => {
  const project = makeProject("toolchain-check");
  t.after(project.cleanup);
  const build = await run([TSPC, "-p", "tsconfig.json"], { cwd: project.dir });
  assert.match(
    build.output,
    /config\.yaml\(5,7\): warning TS\d+: .*"Experiment\.sumbit" .*matches no function/,
  );
});

// webpack 5 with ts-loader on fixtures/toolchain-webpack, once with the type checker and once
// with transpileOnly, and once with the runtime bundled in; ts-patch/compiler applies the plugin
// entry of tsconfig.json. The first two load the runtime from node_modules. Webpack's persistent cache lists config.yaml as a build
// dependency, so an edit of it rebuilds the bundles instrumented anew.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { makeProject, run, runWithCollector, sortCalls } from "./helpers/toolchain-project.mjs";

const TOOLS = ["webpack", "webpack-cli", "ts-loader", "ts-patch", "@types/node"];
const BUILDS = ["program", "transpile-only", "bundled-runtime"];
const OUTPUT = [
  "ran ocean.nc through regrid -> average",
  "would run ice.nc through regrid -> average",
  "a pipeline of 2 stages",
  "size 2",
  "",
].join("\n");
const CALLS = [
  {
    endpoint: "mypackage/run",
    function: "Pipeline.run",
    args: [],
    kwargs: { input: "ocean.nc", dryRun: false },
  },
  {
    endpoint: "mypackage/run",
    function: "Pipeline.run",
    args: [],
    kwargs: { input: "ice.nc", dryRun: true },
  },
  { endpoint: "mypackage/run", function: "describe", args: [], kwargs: { stages: 2 } },
];
const SIZE = { endpoint: "mypackage/run", function: "Pipeline.size", args: [], kwargs: {} };

/** Runs webpack once (both configurations) and returns each bundle's code by name. */
async function bundle(project) {
  const cli = join("node_modules", "webpack-cli", "bin", "cli.js");
  const result = await run([cli], { cwd: project.dir, timeoutMs: 120_000 });
  assert.equal(result.code, 0, result.output);
  const bundles = new Map();
  for (const name of BUILDS) {
    assert.match(result.output, new RegExp(`${name} \\(webpack [\\d.]+\\) compiled successfully`));
    bundles.set(name, readFileSync(join(project.dir, "out", name, "main.js"), "utf8"));
  }
  return bundles;
}

test("should bundle instrumented code through ts-loader, with and without transpileOnly", async (t) => {
  const project = makeProject("toolchain-webpack", { link: TOOLS });
  t.after(project.cleanup);

  const first = await bundle(project);
  for (const name of BUILDS) {
    const code = first.get(name);
    assert.match(
      code,
      /trackCall\("mypackage_run", "Pipeline\.run", \[\], \{ input, dryRun \}\)/,
      name,
    );
    if (name === "bundled-runtime") {
      assert.doesNotMatch(code, /require\("access-ts-telemetry"\)/, name);
      assert.match(code, /access-ts-telemetry\.state\.v1/, "the runtime is in the bundle");
    } else {
      assert.match(code, /require\("access-ts-telemetry"\)/, name);
    }
    assert.doesNotMatch(code, /"Pipeline\.size"/, name);
    const result = await runWithCollector(project, [join("out", name, "main.js")], {
      recordCount: CALLS.length,
    });
    assert.equal(result.stdout, OUTPUT, name);
    assert.deepEqual(result.calls, sortCalls(CALLS), name);
  }
  assert.ok(existsSync(join(project.dir, ".webpack-cache", "program")), "webpack cached the build");

  const config = join(project.dir, "config.yaml");
  writeFileSync(config, readFileSync(config, "utf8") + "    - Pipeline.size\n");
  const second = await bundle(project);
  for (const name of BUILDS) {
    assert.match(
      second.get(name),
      /trackCall\("mypackage_run", "Pipeline\.size", \[\], \{\}\)/,
      name,
    );
    const result = await runWithCollector(project, [join("out", name, "main.js")], {
      recordCount: CALLS.length + 2,
    });
    assert.equal(result.stdout, OUTPUT, name);
    assert.deepEqual(result.calls, sortCalls([...CALLS, SIZE, SIZE]), name);
  }
});

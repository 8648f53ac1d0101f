// `access-ts-telemetry check`, driven in-process through the CLI's main(argv, io) on temp copies
// of fixtures/toolchain-check (plugin entry inherited through "extends", one misspelt entry, one
// service without an endpoint) and fixtures/toolchain-build (a solution tsconfig).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { linkModule, makeProject, repoModules, repoRoot } from "./helpers/toolchain-project.mjs";

const { main } = createRequire(import.meta.url)(join(repoRoot, "dist", "cjs", "cli", "main.js"));
const TS_VERSION = JSON.parse(
  readFileSync(join(repoModules, "typescript", "package.json"), "utf8"),
).version;

async function check(...argv) {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    env: {},
  };
  const code = await main(["check", ...argv], io);
  return { code, stdout, stderr };
}

const projects = [];
function project(fixture, options) {
  const created = makeProject(fixture, options);
  projects.push(created);
  return created;
}
after(() => projects.forEach((created) => created.cleanup()));

function edit(file, from, to) {
  const text = readFileSync(file, "utf8");
  assert.ok(text.includes(from), `${file} should contain ${from}`);
  writeFileSync(file, text.replace(from, to));
}

describe("check", () => {
  test("should list every entry with its declarations and name the unmatched one", async () => {
    const { dir } = project("toolchain-check");
    const result = await check("-p", join(dir, "tsconfig.json"));

    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.equal(
      result.stdout,
      [
        `tsconfig.json with config.yaml, TypeScript ${TS_VERSION} (access-ts-telemetry's, the project has none)`,
        "",
        "mypackage_run -> mypackage/run",
        "  Experiment.run     src/experiment.ts:5",
        "  Experiment.sumbit  no match (closest: Experiment.submit)",
        "",
        "mypackage_results -> mypackage/results",
        "  Results.save       src/results.ts:3",
        "  save_all           src/results.ts:9",
        "",
        "checkpkg_plots -> checkpkg/plots (not in the reporting server's registry yet: request an endpoint for it)",
        "  plot               src/plots.ts:4",
        "",
        "5 entries: 4 matched, 1 unmatched (Experiment.sumbit)",
        "",
      ].join("\n"),
    );
  });

  test("should exit 1 under --strict while an entry is unmatched, and 0 once it matches", async () => {
    const { dir } = project("toolchain-check");
    const failing = await check("--strict", "-p", dir);
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /Experiment\.sumbit {2}no match/);

    edit(join(dir, "config.yaml"), "- Experiment.sumbit", "- Experiment.submit");
    const passing = await check("--strict", "-p", dir);
    assert.equal(passing.code, 0, passing.stdout);
    assert.match(passing.stdout, /Experiment\.submit {2}src\/experiment\.ts:9\n/);
    assert.match(passing.stdout, /5 entries: 5 matched, 0 unmatched\n$/);
  });

  test("should print the same report as data with --json", async () => {
    const { dir } = project("toolchain-check");
    const result = await check("--json", "-p", join(dir, "tsconfig.json"));
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);

    assert.deepEqual(report.typescript, { version: TS_VERSION, source: "package" });
    assert.equal(report.matched, 4);
    assert.equal(report.unmatched, 1);
    assert.equal(report.projects.length, 1);
    const [checked] = report.projects;
    assert.equal(checked.tsconfig, "tsconfig.json");
    assert.equal(checked.config, "config.yaml");
    assert.deepEqual(
      checked.services.map(({ name, endpoint, registered }) => ({ name, endpoint, registered })),
      [
        { name: "mypackage_run", endpoint: "mypackage/run", registered: true },
        { name: "mypackage_results", endpoint: "mypackage/results", registered: true },
        { name: "checkpkg_plots", endpoint: "checkpkg/plots", registered: false },
      ],
    );
    assert.deepEqual(checked.services[0].entries, [
      {
        name: "Experiment.run",
        config: { line: 4, column: 7 },
        matches: [{ file: "src/experiment.ts", line: 5, column: 3, kind: "method" }],
      },
      {
        name: "Experiment.sumbit",
        config: { line: 5, column: 7 },
        matches: [],
        closest: ["Experiment.submit"],
      },
    ]);
    assert.deepEqual(checked.services[1].entries[1].matches, [
      { file: "src/results.ts", line: 9, column: 17, kind: "function" },
    ]);
  });

  test("should build the program with the project's own TypeScript when it has one", async () => {
    const { dir } = project("toolchain-check");
    linkModule(dir, "typescript", join(repoModules, "typescript-5.0"));
    const result = await check("--json", "-p", dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).typescript, { version: "5.0.4", source: "project" });
  });

  test("should report each referenced project of a solution tsconfig", async () => {
    const { dir } = project("toolchain-build");
    const result = await check("-p", dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^core\/tsconfig\.json with core\/config\.yaml, /m);
    assert.match(result.stdout, /^ {2}Solver\.solve {2}core\/src\/index\.ts:3$/m);
    assert.match(result.stdout, /^app\/tsconfig\.json with app\/config\.yaml, /m);
    assert.match(result.stdout, /^ {2}report {2}app\/src\/report\.ts:2$/m);
    assert.match(result.stdout, /^2 entries: 2 matched, 0 unmatched$/m);
  });
});

describe("check on a broken project", () => {
  test("should print a config.yaml problem as file:line:col and exit 2", async () => {
    const { dir } = project("toolchain-check");
    edit(join(dir, "config.yaml"), "    - save_all", "    - 42");
    const result = await check("-p", dir);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      /^config\.yaml:8:7: error: expected a string entry such as "Experiment\.run" or "save_all" in service "mypackage_results", found the number 42\n$/,
    );
  });

  test("should point a bad plugin option at the entry in the tsconfig it comes from", async () => {
    const { dir } = project("toolchain-check");
    edit(
      join(dir, "tsconfig.base.json"),
      '"config": "./config.yaml"',
      '"config": "./config.yaml", "strict": "yes"',
    );
    const result = await check("--json", "-p", dir);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^tsconfig\.base\.json:9:17: error: option "strict" .*expected true or false, found string "yes"\n$/,
    );
    const { problems } = JSON.parse(result.stdout);
    assert.deepEqual(
      problems.map(({ file, line, column, severity }) => ({ file, line, column, severity })),
      [{ file: "tsconfig.base.json", line: 9, column: 17, severity: "error" }],
    );
  });

  test("should say how to add the plugin entry when there is none", async () => {
    const { dir } = project("toolchain-check");
    edit(
      join(dir, "tsconfig.base.json"),
      /"plugins": \[.*\]/.exec(readFileSync(join(dir, "tsconfig.base.json"), "utf8"))[0],
      '"plugins": []',
    );
    const result = await check("-p", dir);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^tsconfig\.json: error: no "access-ts-telemetry\/transformer" entry in compilerOptions\.plugins .*add \{ "transform": "access-ts-telemetry\/transformer", "config": "\.\/config\.yaml" \}\n$/,
    );
  });

  test("should locate a syntax error in tsconfig.json", async () => {
    const { dir } = project("toolchain-check");
    edit(join(dir, "tsconfig.json"), '"rootDir": "src",', '"rootDir": "src",,');
    const result = await check("-p", dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^tsconfig\.json:3:41: error: /);
  });

  test("should name a missing tsconfig", async () => {
    const { dir } = project("toolchain-check");
    const result = await check("-p", join(dir, "tsconfig.missing.json"));
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^tsconfig\.missing\.json: error: cannot find the tsconfig .*tsconfig\.missing\.json\n$/,
    );
  });

  test("should treat an unknown option as a usage error", async () => {
    const result = await check("--strictest");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /check: Unknown option '--strictest'/);
  });
});

// What tspc prints for fixtures/transform-diagnostics, and the exit codes: 0 with warnings only,
// 2 (outputs still written) with errors.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  buildWithPlugin,
  makeProject,
  runOutput,
  trackedCalls,
} from "./helpers/transform-project.mjs";

const PLUGIN = { transform: "access-ts-telemetry/transformer", runtime: "recording-runtime" };
const ANSI = /\u001b\[[0-9;]*m/g;

const BROKEN_CONFIG = `diag:
  run: Experiment.run
  more:
    - Experiment.run
    - 12
    - Experiment.run
  empty: []
  "bad key": [x]
`;

const SCENARIOS = {
  warnings: { options: {}, args: [] },
  pretty: { options: {}, args: ["--pretty"] },
  strict: { options: { tsconfig: { plugins: [{ ...PLUGIN, strict: true }] } }, args: [] },
  badOptions: {
    options: {
      tsconfig: {
        plugins: [
          { ...PLUGIN, config: "./missing.yaml", strict: "yes", argument: "named", runtime: "" },
        ],
      },
    },
    args: [],
  },
  brokenConfig: { options: { files: { "config.yaml": BROKEN_CONFIG } }, args: [] },
};

describe("build diagnostics", () => {
  const projects = {};
  const builds = {};

  before(async () => {
    const names = Object.keys(SCENARIOS);
    for (const name of names)
      projects[name] = makeProject("transform-diagnostics", SCENARIOS[name].options);
    for (let index = 0; index < names.length; index += 2) {
      const pair = names.slice(index, index + 2);
      const done = await Promise.all(
        pair.map((name) => buildWithPlugin(projects[name], SCENARIOS[name].args)),
      );
      pair.forEach((name, position) => (builds[name] = done[position]));
    }
  });
  after(() => Object.values(projects).forEach((project) => project.cleanup()));

  it("warns about each entry that matches nothing, at its config.yaml line and column", () => {
    const { code, stdout } = builds.warnings;
    assert.equal(code, 0, stdout);
    const unmatched = stdout.split("\n").filter((line) => line.includes("TS990301"));
    assert.deepEqual(
      unmatched.map((line) => line.slice(0, line.indexOf(":", line.indexOf("TS990301")))),
      [5, 6, 7, 8, 9, 10].map((line) => `config.yaml(${line},7): warning TS990301`),
    );
    const expectations = [
      [
        '"Experimnt.run" (service "diag_run") matches no function',
        'did you mean "Experiment.run"?',
      ],
      [
        '"Base.shape" (service "diag_run")',
        '"Base.shape" is abstract: list the member of the subclass',
      ],
      ['"Widget.constructor"', "class Widget has no constructor of its own"],
      ['"Widget" (service', 'Widget is a class: list "Widget.constructor"'],
      ['"ambientOnly"', "only declared ambiently"],
      ['"Experiment.note"', "only declared ambiently"],
    ];
    const lines = stdout.split("\n");
    for (const [message, hint] of expectations) {
      const index = lines.findIndex((line) => line.includes("TS990301") && line.includes(message));
      assert.ok(index >= 0, `no warning for ${message}`);
      assert.ok(lines[index + 1].startsWith("  ") && lines[index + 1].includes(hint), hint);
    }
  });

  it("tracks what matches despite the warnings", async () => {
    assert.ok(existsSync(join(projects.warnings.dir, "out", "widgets.js")));
    const source =
      "const { Experiment } = require('./out/widgets.js'); console.log(new Experiment().run('c'));";
    writeFileSync(join(projects.warnings.dir, "use.cjs"), source);
    const result = await runOutput(projects.warnings, "use.cjs");
    assert.equal(result.stdout, "ran c\n");
    assert.deepEqual(trackedCalls(result.calls, { withService: true }), [
      { service: "diag_run", function: "Experiment.run", args: [], kwargs: { config: "c" } },
      { service: "mypackage_run", function: "Experiment.run", args: [], kwargs: { config: "c" } },
    ]);
  });

  it("asks for an endpoint only for services the registry does not know", () => {
    const { stdout } = builds.warnings;
    assert.match(
      stdout,
      /config\.yaml\(3,3\): warning TS990302: access-ts-telemetry: service "diag_run" \(endpoint "diag\/run"\) has no endpoint on the reporting server yet/,
    );
    assert.match(
      stdout,
      /open an issue on the reporting server's repository or contact its maintainers/,
    );
    assert.doesNotMatch(stdout, /"mypackage_run" \(endpoint/);
  });

  it("falls back to config_version 0 without a package version, and says so", () => {
    assert.match(
      builds.warnings.stdout,
      /warning TS990202: .*package\.json has no "version" string; records carry config_version "0"/,
    );
  });

  it("prints file:line:col locations and the config line under --pretty", () => {
    const { code, stdout } = builds.pretty;
    assert.equal(code, 0);
    const text = stdout.replace(ANSI, "");
    assert.match(
      text,
      /config\.yaml:5:7 - warning TS990301: access-ts-telemetry: "Experimnt\.run"/,
    );
    assert.match(text, /5 {5}- Experimnt\.run\n\s+~{13}/);
  });

  it("turns unmatched entries into errors under strict, exit code 2, outputs still written", () => {
    const { code, stdout } = builds.strict;
    assert.equal(code, 2);
    assert.equal(stdout.match(/error TS990301/g)?.length, 6);
    assert.match(
      stdout,
      /config\.yaml\(5,7\): error TS990301: access-ts-telemetry: "Experimnt\.run"/,
    );
    assert.ok(existsSync(join(projects.strict.dir, "out", "widgets.js")));
  });

  it("rejects unknown and ill-typed options and an unreadable config file", () => {
    const { code, stdout } = builds.badOptions;
    assert.equal(code, 2);
    assert.match(
      stdout,
      /error TS990201: .*unknown option "argument" .*\(did you mean "arguments"\?\)/,
    );
    assert.match(
      stdout,
      /error TS990201: .*option "strict" .*expected true or false, found string "yes"/,
    );
    assert.match(
      stdout,
      /error TS990201: .*option "runtime" .*expected a non-empty string, found string ""/,
    );
    assert.match(
      stdout,
      /missing\.yaml\(1,1\): error TS990101: .*cannot read the config file \(ENOENT/,
    );
  });

  it("reports config errors as errors and config warnings as warnings, each located", () => {
    const { code, stdout } = builds.brokenConfig;
    assert.equal(code, 2);
    const expected = [
      'config.yaml(2,8): error TS990104: access-ts-telemetry: expected a list of entries or a mapping of endpoints under "diag/run", found the string "Experiment.run"',
      'config.yaml(5,7): error TS990106: access-ts-telemetry: expected a string entry such as "Experiment.run" or "save_all" in service "diag_more", found the number 12',
      'config.yaml(6,7): warning TS990108: access-ts-telemetry: "Experiment.run" is listed twice in service "diag_more" (first at 4:7); the repeat is ignored',
      'config.yaml(7,10): warning TS990109: access-ts-telemetry: service "diag_empty" lists no functions: expected at least one entry such as "Experiment.run"',
      'config.yaml(8,3): error TS990105: access-ts-telemetry: expected a key made of letters, digits, "_" or "-" (it becomes a segment of the endpoint path), found "bad key"',
    ];
    for (const line of expected) assert.ok(stdout.split("\n").includes(line), line);
  });
});

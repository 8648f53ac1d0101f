// config.yaml loading (dist/cjs/transformer/config-load.js): the model, and each kind of bad input
// with its message and line:col.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "./helpers/transform-project.mjs";

const require = createRequire(import.meta.url);
const { parseConfig, readConfig } = require(join(repoRoot, "dist/cjs/transformer/config-load.js"));

const FILE = "/project/config.yaml";

function problems(text) {
  return parseConfig(text, FILE).problems.map((p) => ({
    severity: p.severity,
    code: p.code,
    at: `${p.location.line}:${p.location.column}`,
    message: p.message,
  }));
}

describe("config.yaml model", () => {
  it("joins nested keys into endpoints (/) and service names (_), entries located", () => {
    const model = parseConfig(
      "mypackage:\n  run:\n    - Experiment.run\n    - Experiment.submit\n  results: [Results.save, save_all]\nother: [top_level]\n",
      FILE,
    );
    assert.deepEqual(model.problems, []);
    const summary = model.services.map((s) => ({
      name: s.name,
      endpoint: s.endpoint,
      path: s.path,
      at: `${s.location.line}:${s.location.column}`,
      entries: s.entries.map((e) => [
        e.name,
        e.owner,
        e.member,
        e.service,
        `${e.location.line}:${e.location.column}`,
      ]),
    }));
    assert.deepEqual(summary, [
      {
        name: "mypackage_run",
        endpoint: "mypackage/run",
        path: ["mypackage", "run"],
        at: "2:3",
        entries: [
          ["Experiment.run", "Experiment", "run", "mypackage_run", "3:7"],
          ["Experiment.submit", "Experiment", "submit", "mypackage_run", "4:7"],
        ],
      },
      {
        name: "mypackage_results",
        endpoint: "mypackage/results",
        path: ["mypackage", "results"],
        at: "5:3",
        entries: [
          ["Results.save", "Results", "save", "mypackage_results", "5:13"],
          ["save_all", undefined, "save_all", "mypackage_results", "5:27"],
        ],
      },
      {
        name: "other",
        endpoint: "other",
        path: ["other"],
        at: "6:1",
        entries: [["top_level", undefined, "top_level", "other", "6:9"]],
      },
    ]);
  });

  it("follows aliases to their anchors", () => {
    const model = parseConfig("p:\n  run: &shared [A.run, b]\n  again: *shared\n", FILE);
    assert.deepEqual(model.problems, []);
    assert.deepEqual(
      model.services.map((s) => [s.name, s.entries.map((e) => e.name)]),
      [
        ["p_run", ["A.run", "b"]],
        ["p_again", ["A.run", "b"]],
      ],
    );
  });

  it("loads the repository's own config.yaml without problems", () => {
    const model = readConfig(join(repoRoot, "config.yaml"));
    assert.deepEqual(model.problems, []);
    assert.ok(
      model.services.some((s) => s.name === "intake_catalog" && s.endpoint === "intake/catalog"),
    );
  });
});

describe("config.yaml errors", () => {
  it("YAML syntax errors", () => {
    assert.deepEqual(problems("p:\n  run: [a, b\n"), [
      {
        severity: "error",
        code: "yaml-syntax",
        at: "3:1",
        message:
          "invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      },
    ]);
    assert.deepEqual(problems("p:\n  run: [a]\n  run: [b]\n"), [
      {
        severity: "error",
        code: "yaml-syntax",
        at: "3:3",
        message: "invalid YAML: Map keys must be unique",
      },
    ]);
  });

  it("a scalar leaf", () => {
    assert.deepEqual(problems("p:\n  run: Experiment.run\n"), [
      {
        severity: "error",
        code: "not-mapping-or-list",
        at: "2:8",
        message:
          'expected a list of entries or a mapping of endpoints under "p/run", found the string "Experiment.run"',
      },
    ]);
  });

  it("a null leaf, located at its key", () => {
    assert.deepEqual(problems("p:\n  run:\n  more: [x]\n"), [
      {
        severity: "error",
        code: "not-mapping-or-list",
        at: "2:3",
        message:
          'expected a list of entries or a mapping of endpoints under "p/run", found nothing (null)',
      },
    ]);
  });

  it("an empty file and a top level that is not a mapping", () => {
    assert.deepEqual(problems("# nothing here\n"), [
      {
        severity: "error",
        code: "not-a-mapping",
        at: "1:1",
        message:
          "the config is empty: expected a mapping of service groups to endpoints, e.g. `mypackage: { run: [Experiment.run] }`",
      },
    ]);
    assert.deepEqual(problems("\n- a\n- b\n"), [
      {
        severity: "error",
        code: "not-a-mapping",
        at: "2:1",
        message: "expected a mapping of service groups at the top level, found a list",
      },
    ]);
  });

  it("list items that are not strings", () => {
    assert.deepEqual(problems("p:\n  run:\n    - 42\n    - { a: 1 }\n    -\n    - [x]\n"), [
      {
        severity: "error",
        code: "invalid-entry",
        at: "3:7",
        message:
          'expected a string entry such as "Experiment.run" or "save_all" in service "p_run", found the number 42',
      },
      {
        severity: "error",
        code: "invalid-entry",
        at: "4:7",
        message:
          'expected a string entry such as "Experiment.run" or "save_all" in service "p_run", found a mapping',
      },
      {
        severity: "error",
        code: "invalid-entry",
        at: "5:6",
        message:
          'expected a string entry such as "Experiment.run" or "save_all" in service "p_run", found nothing (null)',
      },
      {
        severity: "error",
        code: "invalid-entry",
        at: "6:7",
        message:
          'expected a string entry such as "Experiment.run" or "save_all" in service "p_run", found a list',
      },
    ]);
  });

  it("strings that are not valid entries, each saying why", () => {
    const expected =
      'expected "Name" (a function) or "Class.member" (a method, accessor or property)';
    const cases = [
      [
        "'#secret'",
        `"#secret" names a private member ("#secret"): private names are not reachable by name, so they cannot be tracked; track a public member that calls it instead`,
      ],
      [
        "Vault.#open",
        `"Vault.#open" names a private member ("#open"): private names are not reachable by name, so they cannot be tracked; track a public member that calls it instead`,
      ],
      [
        "a.b.c",
        `${expected}, found "a.b.c" with 3 dot-separated parts (only one owner is allowed)`,
      ],
      ["'run it'", `${expected} without spaces, found "run it"`],
      ["Experiment.", `${expected}, found "Experiment." with an empty name around "."`],
      ["1run", `${expected}, found "1run": "1run" is not a JavaScript identifier`],
      ["my-func", `${expected}, found "my-func": "my-func" is not a JavaScript identifier`],
      [
        "class",
        `${expected}, found "class": "class" is a reserved word and cannot name a function, class or const`,
      ],
      ["''", `${expected}, found an empty string`],
    ];
    for (const [item, message] of cases) {
      assert.deepEqual(problems(`p:\n  run:\n    - ${item}\n`), [
        { severity: "error", code: "invalid-entry", at: "3:7", message },
      ]);
    }
    assert.deepEqual(problems("p:\n  run: [Shape.delete, $, _private, café, Übung.größe]\n"), []);
  });

  it("keys that cannot be endpoint segments", () => {
    assert.deepEqual(problems("p:\n  'a/b': [x]\n  ? [k]\n  : [y]\n  ok-key_2: [z]\n"), [
      {
        severity: "error",
        code: "invalid-key",
        at: "2:3",
        message:
          'expected a key made of letters, digits, "_" or "-" (it becomes a segment of the endpoint path), found "a/b"',
      },
      {
        severity: "error",
        code: "invalid-key",
        at: "3:5",
        message: 'expected a key made of letters, digits, "_" or "-", found a list',
      },
    ]);
  });

  it("two paths that give the same service name", () => {
    const model = parseConfig("a_b: [x]\na:\n  b: [y]\n", FILE);
    assert.deepEqual(
      model.services.map((s) => s.name),
      ["a_b"],
    );
    assert.deepEqual(problems("a_b: [x]\na:\n  b: [y]\n"), [
      {
        severity: "error",
        code: "duplicate-service",
        at: "3:3",
        message:
          'service name "a_b" (endpoint "a/b") is already produced by endpoint "a_b" at 1:1; rename one of the keys so the names differ',
      },
    ]);
  });

  it("an alias without an anchor", () => {
    assert.deepEqual(problems("p:\n  run: *missing\n"), [
      {
        severity: "error",
        code: "yaml-syntax",
        at: "2:8",
        message: 'alias "*missing" refers to no anchor: expected an "&missing" earlier in the file',
      },
    ]);
  });

  it("an unreadable file, as a problem rather than a throw", () => {
    const dir = mkdtempSync(join(tmpdir(), "att-config-"));
    try {
      const model = readConfig(join(dir, "absent.yaml"));
      assert.equal(model.services.length, 0);
      assert.equal(model.problems.length, 1);
      const [problem] = model.problems;
      assert.equal(problem.code, "unreadable");
      assert.equal(`${problem.location.line}:${problem.location.column}`, "1:1");
      assert.match(
        problem.message,
        /^cannot read the config file \(ENOENT: .*absent\.yaml'\); expected a config\.yaml at this path$/,
      );

      writeFileSync(join(dir, "config.yaml"), "p:\n  run: [x]\n");
      assert.deepEqual(readConfig(join(dir, "config.yaml")).problems, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("config.yaml warnings", () => {
  it("duplicate entries keep the first, warn at the repeat", () => {
    const model = parseConfig("p:\n  run: [x, A.y, x]\n", FILE);
    assert.deepEqual(
      model.services[0].entries.map((e) => e.name),
      ["x", "A.y"],
    );
    assert.deepEqual(problems("p:\n  run: [x, A.y, x]\n"), [
      {
        severity: "warning",
        code: "duplicate-entry",
        at: "2:17",
        message: '"x" is listed twice in service "p_run" (first at 2:9); the repeat is ignored',
      },
    ]);
  });

  it("empty lists and empty mappings", () => {
    assert.deepEqual(problems("p:\n  run: []\n  group: {}\n"), [
      {
        severity: "warning",
        code: "empty",
        at: "2:8",
        message:
          'service "p_run" lists no functions: expected at least one entry such as "Experiment.run"',
      },
      {
        severity: "warning",
        code: "empty",
        at: "3:3",
        message: '"p/group" maps no endpoints: nothing under it is tracked',
      },
    ]);
    assert.deepEqual(
      parseConfig("p:\n  run: []\n", FILE).services.map((s) => s.name),
      ["p_run"],
    );
  });
});

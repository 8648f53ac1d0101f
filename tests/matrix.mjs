// The version matrix: fixtures/toolchain-matrix built through tspc with every TypeScript the
// package supports, to CommonJS and to ESM, and the output run on Node 20 and Node 22 against the
// local collector. Prints one table and exits 1 when any cell fails.
//
//   node tests/matrix.mjs [--ts 5.0,6.0] [--format cjs,esm] [--jobs 2]
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  TSPC,
  callsOf,
  loadCollector,
  makeProject,
  nodeBinaries,
  repoModules,
  repoRoot,
  run,
  sortCalls,
  telemetryEnv,
  waitForRecords,
} from "./helpers/toolchain-project.mjs";

/** ts-patch 3.3.0 refuses TypeScript below 5.0 ("Cannot patch TS version <5"). */
const TYPESCRIPTS = [
  { label: "5.0", dir: join(repoModules, "typescript-5.0") },
  { label: "5.4", dir: join(repoModules, "typescript-5.4") },
  { label: "5.9", dir: join(repoModules, "typescript") },
  { label: "6.0", dir: join(repoModules, "typescript-6.0") },
];

const FORMATS = [
  { label: "cjs", packageType: "commonjs", runtimeImport: 'require("access-ts-telemetry")' },
  { label: "esm", packageType: "module", runtimeImport: 'from "access-ts-telemetry"' },
];

const BUILD_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 20_000;

/** What fixtures/toolchain-matrix/src/main.ts prints. */
const EXPECTED_OUTPUT = [
  "newton solved x^2 = 2 to 0.000001 in step 1",
  "newton solved x^3 = 8 to 0.001 in step 2",
  "4",
  "1.41",
];

/** The records it sends, in call order. */
const EXPECTED_CALLS = [
  {
    endpoint: "mypackage/run",
    function: "Solver.solve",
    args: [],
    kwargs: { equation: "x^2 = 2", tolerance: 0.000001 },
  },
  {
    endpoint: "mypackage/run",
    function: "Solver.solve",
    args: [],
    kwargs: { equation: "x^3 = 8", tolerance: 0.001 },
  },
  {
    endpoint: "mypackage/run",
    function: "integrate",
    args: [0.5, 1.5],
    kwargs: { from: 0, to: 2 },
  },
  {
    endpoint: "mypackage/run",
    function: "Solver.refine",
    args: [],
    kwargs: { answer: 1.41421, rounds: 2 },
  },
];

const CONFIG_VERSION = JSON.parse(
  readFileSync(join(repoRoot, "fixtures", "toolchain-matrix", "package.json"), "utf8"),
).version;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      ts: { type: "string" },
      format: { type: "string" },
      jobs: { type: "string" },
    },
    strict: true,
  });
  const pick = (all, list, flag) => {
    if (list === undefined) return all;
    const wanted = list.split(",").map((label) => label.trim());
    const unknown = wanted.filter((label) => !all.some((item) => item.label === label));
    if (unknown.length > 0) {
      const known = all.map((item) => item.label).join(", ");
      throw new Error(`--${flag}: unknown ${unknown.join(", ")} (known: ${known})`);
    }
    return all.filter((item) => wanted.includes(item.label));
  };
  const jobs =
    values.jobs === undefined ? Math.min(2, availableParallelism()) : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs expects a positive integer`);
  return {
    typescripts: pick(TYPESCRIPTS, values.ts, "ts"),
    formats: pick(FORMATS, values.format, "format"),
    jobs,
  };
}

/** A cell's step: resolves with `{ ok, ms, detail }`, never rejects. */
async function step(action) {
  const started = Date.now();
  try {
    await action();
    return { ok: true, ms: Date.now() - started, detail: "" };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, ms: Date.now() - started, detail };
  }
}

async function compilerVersion(typescript) {
  const result = await run([TSPC, "--version"], {
    env: { TSP_COMPILER_TS_PATH: typescript.dir },
    timeoutMs: BUILD_TIMEOUT_MS,
  });
  const match = /Version (\S+)/.exec(result.stdout);
  if (!match) throw new Error(`tspc --version printed no version:\n${result.output}`);
  return match[1];
}

async function buildCell(project, typescript, format) {
  const packageFile = join(project.dir, "package.json");
  const manifest = JSON.parse(readFileSync(packageFile, "utf8"));
  writeFileSync(packageFile, JSON.stringify({ ...manifest, type: format.packageType }, null, 2));

  const result = await run([TSPC, "-p", "tsconfig.json"], {
    cwd: project.dir,
    env: { TSP_COMPILER_TS_PATH: typescript.dir },
    timeoutMs: BUILD_TIMEOUT_MS,
  });
  assert.equal(result.timedOut, false, `tspc ran over ${BUILD_TIMEOUT_MS} ms`);
  assert.equal(result.code, 0, `tspc exited with ${result.code}:\n${result.output}`);
  assert.equal(result.output.trim(), "", "tspc printed diagnostics");

  const solver = readFileSync(join(project.dir, "out", "solver.js"), "utf8");
  assert.ok(solver.includes(format.runtimeImport), `out/solver.js lacks ${format.runtimeImport}`);
  const tracked = solver.match(/\.trackCall\(/g) ?? [];
  assert.equal(tracked.length, 3, "out/solver.js should track solve, refine and integrate");
  const declarations = readFileSync(join(project.dir, "out", "solver.d.ts"), "utf8");
  assert.ok(!declarations.includes("telemetry"), "out/solver.d.ts mentions the runtime");
}

async function runCell(project, node) {
  const startCollector = loadCollector();
  const collector = await startCollector({ port: 0 });
  try {
    const result = await run([join("out", "main.js")], {
      cwd: project.dir,
      node: node.path,
      env: telemetryEnv(collector, project.dir),
      timeoutMs: RUN_TIMEOUT_MS,
    });
    assert.equal(result.timedOut, false, `the program ran over ${RUN_TIMEOUT_MS} ms`);
    assert.equal(result.code, 0, `the program exited with ${result.code}:\n${result.output}`);
    assert.deepEqual(result.stdout.trimEnd().split("\n"), EXPECTED_OUTPUT);

    const records = await waitForRecords(collector, EXPECTED_CALLS.length);
    assert.deepEqual(callsOf(records), sortCalls(EXPECTED_CALLS));
    const sessions = new Set(records.map((record) => record.session_id));
    assert.equal(sessions.size, 1, "every record of one process carries the same session id");
    assert.match([...sessions][0], /^[0-9a-f]{64}$/);
    for (const record of records) {
      assert.equal(record.config_version, CONFIG_VERSION);
      assert.equal(typeof record.name, "string");
      assert.equal(new Date(record.timestamp).toISOString(), record.timestamp);
    }
  } finally {
    await collector.close();
  }
}

async function runMatrix({ typescripts, formats, jobs }, nodes) {
  const cells = typescripts.flatMap((typescript) =>
    formats.map((format) => ({ typescript, format, build: undefined, runs: [] })),
  );
  const versions = new Map();
  for (const typescript of typescripts) {
    versions.set(typescript, await compilerVersion(typescript));
  }

  const queue = [...cells];
  const worker = async () => {
    for (let cell = queue.shift(); cell !== undefined; cell = queue.shift()) {
      const project = makeProject("toolchain-matrix", { link: ["@types/node"] });
      try {
        cell.build = await step(() => buildCell(project, cell.typescript, cell.format));
        for (const node of nodes) {
          cell.runs.push(
            cell.build.ok
              ? await step(() => runCell(project, node))
              : { ok: false, ms: 0, detail: "skipped: the build failed" },
          );
        }
      } finally {
        project.cleanup();
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return { cells, versions };
}

function formatTable({ cells, versions }, nodeLabels) {
  const mark = (result) => `${result.ok ? "ok" : "FAIL"} ${(result.ms / 1000).toFixed(1)} s`;
  const rows = [
    ["TypeScript", "module", "tspc build", ...nodeLabels],
    ...cells.map((cell) => [
      versions.get(cell.typescript),
      cell.format.label,
      mark(cell.build),
      ...cell.runs.map(mark),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row) =>
    row
      .map((text, column) => text.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return [
    line(rows[0]),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.slice(1).map(line),
  ];
}

function failures({ cells, versions }, nodeLabels) {
  const lines = [];
  for (const cell of cells) {
    const name = `TypeScript ${versions.get(cell.typescript)}, ${cell.format.label}`;
    if (!cell.build.ok) lines.push(`${name}, build:\n${indent(cell.build.detail)}`);
    cell.runs.forEach((result, index) => {
      if (!result.ok && cell.build.ok) {
        lines.push(`${name}, ${nodeLabels[index]}:\n${indent(result.detail)}`);
      }
    });
  }
  return lines;
}

function indent(text) {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  for (const built of ["transformer/index.js", "runtime/index.js", "cli/main.js"]) {
    if (!existsSync(join(repoRoot, "dist", "cjs", built))) {
      console.error(`dist/cjs/${built} is missing: run "npm run build" first.`);
      return 2;
    }
  }

  const started = Date.now();
  const nodes = nodeBinaries();
  const nodeLabels = nodes.map((node) => `Node ${node.version}`);
  const result = await runMatrix(options, nodes);
  const failed = failures(result, nodeLabels);

  console.log(formatTable(result, nodeLabels).join("\n"));
  console.log("");
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failed.length === 0) {
    console.log(`matrix passed: ${result.cells.length} build(s), ${seconds} s`);
    return 0;
  }
  const what = failed.length === 1 ? "1 failure" : `${failed.length} failures`;
  console.log(`matrix FAILED, ${what}, ${seconds} s:\n`);
  console.log(failed.join("\n\n"));
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`matrix: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);

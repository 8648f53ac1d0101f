// startCollector(), the programmatic collector used by the demo, driven in-process.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadCli } from "./helpers/cli-io.mjs";
import { postJson, send } from "./helpers/cli-serve.mjs";

const { startCollector } = loadCli();

test("startCollector should expose live records, endpoints and an idempotent close", async () => {
  const collector = await startCollector({ port: 0 });
  try {
    assert.equal(collector.url, `http://127.0.0.1:${collector.port}/api/`);
    assert.deepEqual(collector.records, []);
    await postJson(`${collector.url}mypackage/run/`, { function: "Experiment.run" });
    await postJson(`${collector.url}mypackage/results/`, { function: "Results.save" });
    assert.deepEqual(
      collector.records.map((record) => [record.id, record.endpoint, record.function]),
      [
        [1, "mypackage/run", "Experiment.run"],
        [2, "mypackage/results", "Results.save"],
      ],
    );
    assert.deepEqual(collector.recordsFor("mypackage/results"), [collector.records[1]]);
    assert.deepEqual(collector.endpoints(), [
      { endpoint: "mypackage/results", count: 1 },
      { endpoint: "mypackage/run", count: 1 },
    ]);
  } finally {
    const first = collector.close();
    assert.equal(collector.close(), first);
    await first;
  }
  await assert.rejects(send(collector.url, { timeoutMs: 1000 }), { code: "ECONNREFUSED" });
});

test("a throwing onRecord should be reported, and the record still answered 201", async () => {
  const warnings = [];
  const collector = await startCollector({
    port: 0,
    onRecord: () => {
      throw new Error("callback broke");
    },
    onWarning: (message, code) => warnings.push({ message, code }),
  });
  try {
    const answer = await postJson(`${collector.url}a/b/`, { function: "f" });
    assert.equal(answer.status, 201);
    assert.equal(collector.records.length, 1);
    assert.deepEqual(warnings, [
      {
        message: "onRecord threw for record 1: callback broke",
        code: "ATT_COLLECTOR_CALLBACK_FAILED",
      },
    ]);
  } finally {
    await collector.close();
  }
});

test("corrupt lines in outFile should reach onWarning with a stable code", async () => {
  const dir = mkdtempSync(join(tmpdir(), "att-cli-api-"));
  const file = join(dir, "records.jsonl");
  writeFileSync(file, '{"id": 1, "endpoint": "a/b"}\n{"id": "two", "endpoint": "a/b"}\n');
  const warnings = [];
  const collector = await startCollector({
    port: 0,
    outFile: file,
    onWarning: (message, code) => warnings.push({ message, code }),
  });
  try {
    assert.equal(collector.loadedCount, 1);
    assert.deepEqual(warnings, [
      {
        message: `${file}:2: skipped a corrupt line (expected "id" to be a positive integer)`,
        code: "ATT_COLLECTOR_CORRUPT_LINE",
      },
    ]);
  } finally {
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("startCollector should reject when the port is taken", async () => {
  const first = await startCollector({ port: 0 });
  try {
    await assert.rejects(startCollector({ port: first.port }), { code: "EADDRINUSE" });
  } finally {
    await first.close();
  }
});

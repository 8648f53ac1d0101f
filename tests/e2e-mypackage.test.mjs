// The main job end to end: fixtures/mypackage built with the real tspc, run against the local
// collector started as a user starts it, and the exact records the collector stored.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  buildWithTspc,
  getJson,
  linkRuntime,
  repoRoot,
  runScript,
  startCollector,
} from "../scripts/lib/example-package.mjs";
import { STANDARD_RECORD_KEYS } from "./helpers/record-keys.mjs";

const fixture = join(repoRoot, "fixtures", "mypackage");
let workDir;
let collector;
let run;
let listing;
let byEndpoint;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "att-e2e-"));
  cpSync(fixture, workDir, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist)$/.test(source),
  });
  linkRuntime(workDir);
  const build = buildWithTspc(workDir);
  assert.equal(build.status, 0, `tspc failed:\n${build.output}`);

  collector = await startCollector();
  run = await runScript(join(workDir, "example.mjs"), { serverUrl: collector.url });
  listing = await getJson(collector.url);
  byEndpoint = {};
  for (const { endpoint, path } of listing.endpoints) {
    byEndpoint[endpoint] = await getJson(new URL(path, collector.url).href);
  }
});

after(async () => {
  await collector?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test("the example program runs as it would without telemetry", () => {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  assert.deepEqual(run.stdout.trim().split("\n"), [
    "control: run 1 with my_config.yaml",
    '{"queue":"express","tags":["spinup","1990s"],"jobId":"control-1"}',
    "overwrote 3 values to out/control.csv as csv",
    "json:1.5,2.5,3.5",
    "mean 2.5",
  ]);
});

test("each service's records arrive at its own endpoint path", () => {
  assert.deepEqual(
    listing.endpoints.map(({ endpoint, path, count }) => [endpoint, path, count]),
    [
      ["mypackage/results", "/api/mypackage/results/", 2],
      ["mypackage/run", "/api/mypackage/run/", 2],
    ],
  );
});

test("the records carry the calls, both modules' extra fields and one session id", () => {
  const version = JSON.parse(readFileSync(join(fixture, "package.json"), "utf8")).version;
  const runExtras = { package_version: "1.2.0", model: "ACCESS-OM2", platform: process.platform };
  const resultsExtras = { package_version: "1.2.0" };
  const strip = ({ id: _id, endpoint: _endpoint, session_id: _s, timestamp: _t, ...rest }) => rest;
  const common = { name: userInfo().username, config_version: version };

  assert.deepEqual(byEndpoint["mypackage/run"].map(strip), [
    {
      ...common,
      function: "Experiment.run",
      args: [],
      kwargs: { config: "my_config.yaml" },
      ...runExtras,
    },
    {
      ...common,
      function: "Experiment.submit",
      args: ["spinup", "1990s"],
      kwargs: { queue: "express" },
      ...runExtras,
    },
  ]);
  assert.deepEqual(byEndpoint["mypackage/results"].map(strip), [
    {
      ...common,
      function: "Results.save",
      args: [],
      kwargs: { path: "out/control.csv", format: "csv", overwrite: true },
      ...resultsExtras,
    },
    {
      ...common,
      function: "Results.export",
      args: [],
      kwargs: { format: "json" },
      ...resultsExtras,
    },
  ]);

  const all = [...byEndpoint["mypackage/run"], ...byEndpoint["mypackage/results"]];
  const sessions = new Set(all.map((record) => record.session_id));
  assert.equal(sessions.size, 1);
  assert.match([...sessions][0], /^[0-9a-f]{64}$/);
  for (const record of all) {
    assert.deepEqual(Object.keys(record).slice(2, 9), [...STANDARD_RECORD_KEYS]);
    assert.match(record.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(record.timestamp) - Date.now()) < 120_000);
  }
});

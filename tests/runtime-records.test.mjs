// Records as the reporting server receives them: every field, key order, extra fields from two
// modules, removed fields, headers per service and for all, URLs, failure records.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { userInfo } from "node:os";
import { startCollector } from "./helpers/runtime-server.mjs";
import { lastJson, makeProject } from "./helpers/runtime-child.mjs";
import { STANDARD_RECORD_KEYS } from "./helpers/record-keys.mjs";

const DECLARE = `
const access_telemetry_1 = require("access-ts-telemetry");
access_telemetry_1.declareServices(
  {
    mypackage_run: { endpoint: "mypackage/run", functions: ["Experiment.run", "Experiment.submit"] },
    mypackage_results: { endpoint: "mypackage/results", functions: ["Results.save"] },
    mypackage_deep: { endpoint: "mypackage/deep/nested", functions: ["deep"] },
  },
  { configVersion: "1.2" },
);
`;

const MODULE_A = `${DECLARE}
const { ApiHandler } = access_telemetry_1;
new ApiHandler().addExtraFields("mypackage_run", { team: "a", version: "1" });
exports.run = function run(config, { verbose, level: { depth } }, ...rest) {
  if (access_telemetry_1.telemetryGate.enabled)
    access_telemetry_1.trackCall("mypackage_run", "Experiment.run", rest, { config, verbose, depth });
  return "ran " + config;
};
`;

const MODULE_B = `${DECLARE}
const { ApiHandler } = access_telemetry_1;
new ApiHandler().addExtraFields("mypackage_run", { version: "2", run_id: 7 });
exports.save = function save(results) {
  if (access_telemetry_1.telemetryGate.enabled)
    access_telemetry_1.trackCall("mypackage_results", "Results.save", [], { results });
};
exports.deep = function deep() {
  if (access_telemetry_1.telemetryGate.enabled)
    access_telemetry_1.trackCall("mypackage_deep", "deep", [], {});
};
`;

const MAIN = `
const a = require("./a.cjs");
const b = require("./b.cjs");
const t = require("access-ts-telemetry");
const handler = new t.ApiHandler();
handler.setHeaders(null, { "X-All": "all" });
handler.setHeaders("mypackage_run", { "X-Run": "run-token" });
handler.setHeaders(["mypackage_results"], { "X-All": "results" });
handler.removeFields("mypackage_results", ["name", "args"]);
handler.removeFields("mypackage_deep", "session_id");
handler.addExtraFields("mypackage_deep", { timestamp: "fixed", function: "renamed" });

const before = Date.now();
const options = { verbose: true, level: { depth: 3 } };
const shared = { tags: ["x"] };
console.log(a.run("my_config.yaml", options, 1, "two"));
b.save(shared);
shared.tags.push("changed later");
b.deep();
new t.TelemetryRegister("mypackage_run").deregister("Experiment.run");
console.log(a.run("not recorded", options));
handler.sendFailureApiRequest("mypackage_results", 404, "Results.load");
const prepare = t.registerFunc("mypackage_run", {
  extraFields: { via: "registerFunc" },
  popFields: ["team"],
})(function prepare(x, y) { return [this.tag, x + y]; });
console.log(JSON.stringify(prepare.call({ tag: "self" }, 2, 3)), prepare.name, prepare.length);
const afterCalls = Date.now();
console.log(JSON.stringify({ before, afterCalls, session: t.sessionId(), last: handler.lastRecord }));
`;

describe("records", () => {
  let collector;
  let project;
  let result;
  let received;

  before(async () => {
    collector = await startCollector();
    project = makeProject();
    project.write({ "a.cjs": MODULE_A, "b.cjs": MODULE_B, "main.cjs": MAIN });
    // No trailing slash on the server URL: the runtime adds exactly one.
    const serverUrl = collector.url.replace(/\/$/, "");
    result = await project.run("main.cjs", { env: { ACCESS_TELEMETRY_SERVER_URL: serverUrl } });
    assert.equal(result.code, 0, result.stderr);
    received = await collector.waitFor(5);
  });

  after(async () => {
    await collector?.close();
    project?.cleanup();
  });

  const byFunction = (name) => received.filter((r) => r.body.function === name);

  test("the host's own output is unchanged", () => {
    const lines = result.stdout.trim().split("\n");
    assert.equal(lines[0], "ran my_config.yaml");
    assert.equal(lines[1], "ran not recorded");
    assert.deepEqual(lines[2], '["self",5] prepare 2');
    assert.equal(result.stderr, "");
  });

  test("exactly the recorded calls arrive, without flush()", () => {
    assert.deepEqual(received.map((r) => r.body.function).sort(), [
      "Experiment.run",
      "Results.load",
      "Results.save",
      "prepare",
      "renamed",
    ]);
  });

  test("a tracked call's record has every field, in order", () => {
    const { before: t0, afterCalls: t1, session } = lastJson(result);
    const [run] = byFunction("Experiment.run");
    assert.deepEqual(Object.keys(run.body), [...STANDARD_RECORD_KEYS, "team", "version", "run_id"]);
    assert.equal(run.body.name, userInfo().username);
    assert.deepEqual(run.body.args, [1, "two"]);
    assert.deepEqual(run.body.kwargs, { config: "my_config.yaml", verbose: true, depth: 3 });
    assert.match(run.body.session_id, /^[0-9a-f]{64}$/);
    assert.equal(run.body.session_id, session);
    assert.match(run.body.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const time = Date.parse(run.body.timestamp);
    assert.ok(time >= t0 && time <= t1, `${run.body.timestamp} within the calls`);
    assert.equal(run.body.config_version, "1.2");
  });

  test("extra fields from two modules merge, the later value winning", () => {
    const [run] = byFunction("Experiment.run");
    assert.equal(run.body.team, "a");
    assert.equal(run.body.version, "2");
    assert.equal(run.body.run_id, 7);
  });

  test("removed fields are absent; extra fields override standard ones in place", () => {
    const [save] = byFunction("Results.save");
    assert.deepEqual(Object.keys(save.body), [
      "function",
      "kwargs",
      "session_id",
      "timestamp",
      "config_version",
    ]);
    const [deep] = byFunction("renamed");
    assert.deepEqual(Object.keys(deep.body), [
      "name",
      "function",
      "args",
      "kwargs",
      "timestamp",
      "config_version",
    ]);
    assert.equal(deep.body.timestamp, "fixed");
  });

  test("values are snapshots: later mutation by the host does not change the record", () => {
    const [save] = byFunction("Results.save");
    assert.deepEqual(save.body.kwargs, { results: { tags: ["x"] } });
  });

  test("lastRecord is the last record built, as sent", () => {
    const { last } = lastJson(result);
    const [prepare] = byFunction("prepare");
    assert.deepEqual(last, prepare.body);
  });

  test("URLs: one slash between parts, trailing slash, nested endpoints", () => {
    const paths = Object.fromEntries(received.map((r) => [r.body.function, r.url]));
    assert.equal(paths["Experiment.run"], "/api/mypackage/run/");
    assert.equal(paths["Results.save"], "/api/mypackage/results/");
    assert.equal(paths.renamed, "/api/mypackage/deep/nested/");
    for (const request of received) assert.equal(request.method, "POST");
  });

  test("headers: per service, for all (null), service values over the shared ones", () => {
    const [run] = byFunction("Experiment.run");
    const [save] = byFunction("Results.save");
    const [deep] = byFunction("renamed");
    assert.equal(run.headers["x-all"], "all");
    assert.equal(run.headers["x-run"], "run-token");
    assert.equal(save.headers["x-all"], "results");
    assert.equal(save.headers["x-run"], undefined);
    assert.equal(deep.headers["x-all"], "all");
    for (const request of received)
      assert.equal(request.headers["content-type"], "application/json");
  });

  test("a deregistered function stops sending at once", () => {
    assert.equal(byFunction("Experiment.run").length, 1);
    assert.equal(
      received.some((r) => r.body.kwargs?.config === "not recorded"),
      false,
    );
  });

  test("failure records: function is the endpoint, failure after config_version", () => {
    const [failure] = byFunction("Results.load");
    assert.equal(failure.url, "/api/mypackage/results/");
    assert.deepEqual(Object.keys(failure.body), [
      "function",
      "kwargs",
      "session_id",
      "timestamp",
      "config_version",
      "failure",
    ]);
    assert.deepEqual(failure.body.failure, { code: 404 });
    assert.deepEqual(failure.body.kwargs, {});
  });

  test("registerFunc wraps: positional args, its own extra and removed fields", () => {
    const [prepare] = byFunction("prepare");
    assert.deepEqual(prepare.body.args, [2, 3]);
    assert.deepEqual(prepare.body.kwargs, {});
    assert.equal(prepare.body.via, "registerFunc");
    assert.equal(prepare.body.team, undefined);
    assert.equal(prepare.body.version, "2");
    assert.equal(prepare.url, "/api/mypackage/run/");
  });
});

describe("records from a second process", () => {
  test("get another session id; a trailing-slash server URL gives the same paths", async () => {
    const collector = await startCollector();
    const project = makeProject();
    try {
      project.write({
        "main.cjs": `${DECLARE}
          access_telemetry_1.trackCall("mypackage_deep", "deep", [], { n: 1 });
          access_telemetry_1.trackCall("mypackage_run", "Experiment.submit", [], { n: 2 });
          console.log(JSON.stringify({ session: access_telemetry_1.sessionId() }));`,
      });
      const first = await project.run("main.cjs", {
        env: { ACCESS_TELEMETRY_SERVER_URL: `${collector.url}/` },
      });
      const second = await project.run("main.cjs", {
        env: { ACCESS_TELEMETRY_SERVER_URL: collector.url },
      });
      const received = await collector.waitFor(4);
      assert.notEqual(lastJson(first).session, lastJson(second).session);
      assert.deepEqual(received.map((r) => r.url).sort(), [
        "/api/mypackage/deep/nested/",
        "/api/mypackage/deep/nested/",
        "/api/mypackage/run/",
        "/api/mypackage/run/",
      ]);
      const sessions = new Set(received.map((r) => r.body.session_id));
      assert.deepEqual(sessions, new Set([lastJson(first).session, lastJson(second).session]));
    } finally {
      await collector.close();
      project.cleanup();
    }
  });
});

// Production swallows and counts, staging surfaces; the queue, the requests in flight and
// each request's time are bounded and what exceeds them is counted.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startCollector } from "./helpers/runtime-server.mjs";
import { lastJson, makeProject } from "./helpers/runtime-child.mjs";

const PRELUDE = `
const t = require("access-ts-telemetry");
t.declareServices({ modes_svc: { endpoint: "modes/svc", functions: ["call"] } });
const handler = new t.ApiHandler();
const toggle = new t.ProductionToggle();
if (process.env.STAGING === "1") {
  toggle.production = false;
  handler.setServerUrl(process.env.COLLECTOR, { warn: false });
}
handler.setHeaders(null, { Authorization: "Bearer very-secret-value" });
const warnings = [];
process.on("warning", (w) => warnings.push({ code: w.code, message: w.message }));
function report(extra = {}) {
  console.log(JSON.stringify({ counters: handler.counters, warnings, ...extra }));
}
// Waits (polling, bounded) until the counters say what the test waits for, so that a loaded
// machine changes how long a run takes, not what it reports.
function when(ready, limitMs, then) {
  const started = Date.now();
  const poll = () => (ready(handler.counters) || Date.now() - started > limitMs ? then() : setTimeout(poll, 10));
  poll();
}
`;

const FAILING = `${PRELUDE}
for (let i = 0; i < 3; i++) t.trackCall("modes_svc", "call", [], { i });
let threw = null;
try {
  t.trackCall("no_such_svc", "call", [], {});
} catch (error) {
  threw = error.name;
}
console.log("host result", 42);
handler.flush(3_000).then((drained) => setImmediate(() => report({ drained, threw })));
`;

const FLOOD = `${PRELUDE}
for (let i = 0; i < 1_500; i++) t.trackCall("modes_svc", "call", [], { i });
const afterCalls = handler.counters;
when((c) => c.inFlight === 8, 3_000, () => report({ afterCalls }));
`;

const TIMEOUT = `${PRELUDE}
handler.requestTimeoutMs = 100;
for (let i = 0; i < 3; i++) t.trackCall("modes_svc", "call", [], { i });
when((c) => c.failed === 3, 3_000, () => setImmediate(() => report()));
`;

describe("production and staging against a failing server", () => {
  let collector;
  let project;

  before(async () => {
    collector = await startCollector({ mode: 403 });
    project = makeProject();
    project.write({ "failing.cjs": FAILING });
  });

  after(async () => {
    await collector?.close();
    project?.cleanup();
  });

  const run = (staging) =>
    project.run("failing.cjs", {
      env: {
        ACCESS_TELEMETRY_SERVER_URL: collector.url,
        COLLECTOR: collector.url,
        STAGING: staging ? "1" : "0",
      },
    });

  test("production: failures are counted, nothing is thrown or printed", async () => {
    const result = await run(false);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    const seen = lastJson(result);
    assert.match(result.stdout, /^host result 42\n/);
    assert.equal(seen.threw, null);
    assert.equal(seen.drained, true);
    assert.equal(seen.counters.failed, 3);
    assert.deepEqual(seen.counters.failedByReason, { "http-403": 3 });
    assert.equal(seen.counters.errors, 1);
    assert.deepEqual(seen.warnings, []);
  });

  test("staging: failures are warnings (without header values), errors surface", async () => {
    const result = await run(true);
    assert.equal(result.code, 0, result.stderr);
    const seen = lastJson(result);
    assert.equal(seen.threw, "UnknownServiceError");
    assert.equal(seen.counters.failed, 3);
    const sendWarnings = seen.warnings.filter((w) => w.code === "ATT_SEND_FAILED");
    assert.equal(sendWarnings.length, 3);
    assert.match(
      sendWarnings[0].message,
      new RegExp(
        `could not send a modes_svc record to ${collector.url}modes/svc/: the server answered 403`,
      ),
    );
    assert.ok(!result.stderr.includes("very-secret-value"));
    assert.ok(!JSON.stringify(seen.warnings).includes("very-secret-value"));
  });
});

describe("bounds", () => {
  let hanging;
  let project;

  before(async () => {
    hanging = await startCollector({ mode: "hang" });
    project = makeProject();
    project.write({ "flood.cjs": FLOOD, "timeout.cjs": TIMEOUT });
  });

  after(async () => {
    await hanging?.close();
    project?.cleanup();
  });

  test("the queue holds 1,000 records; overflow is dropped and counted; 8 in flight at most", async () => {
    const result = await project.run("flood.cjs", {
      env: { ACCESS_TELEMETRY_SERVER_URL: hanging.url, COLLECTOR: hanging.url, STAGING: "1" },
    });
    assert.equal(result.code, 0, result.stderr);
    const { afterCalls, counters, warnings } = lastJson(result);
    assert.equal(afterCalls.queued, 1_000);
    assert.equal(afterCalls.dropped, 500);
    assert.deepEqual(afterCalls.droppedByReason, { "queue-full": 500 });
    assert.equal(counters.inFlight, 8);
    assert.equal(counters.maxInFlightSeen, 8);
    assert.equal(counters.queued, 992);
    assert.equal(hanging.requests.length >= 8, true);
    assert.ok(warnings.some((w) => w.code === "ATT_QUEUE_FULL"));
    assert.ok(warnings.length <= 11, `${warnings.length} warnings`);
  });

  test("requestTimeoutMs aborts a request that gets no answer, and counts it", async () => {
    for (const staging of [false, true]) {
      const result = await project.run("timeout.cjs", {
        env: {
          ACCESS_TELEMETRY_SERVER_URL: hanging.url,
          COLLECTOR: hanging.url,
          STAGING: staging ? "1" : "0",
        },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.wallMs < 3_000, `${Math.round(result.wallMs)} ms`);
      const { counters, warnings } = lastJson(result);
      assert.equal(counters.failed, 3);
      assert.deepEqual(counters.failedByReason, { timeout: 3 });
      assert.equal(counters.inFlight, 0);
      if (staging) {
        assert.equal(warnings.length, 3);
        assert.match(warnings[0].message, /no answer within requestTimeoutMs \(100 ms\)/);
      } else {
        assert.deepEqual(warnings, []);
      }
    }
  });

  test("a transport that cannot load counts records as failed; the host is unaffected", async () => {
    rmSync(join(project.dir, "node_modules", "node-fetch"));
    const result = await project.run("timeout.cjs", {
      env: { ACCESS_TELEMETRY_SERVER_URL: hanging.url },
    });
    assert.equal(result.code, 0, result.stderr);
    const { counters } = lastJson(result);
    assert.deepEqual(counters.failedByReason, { transport: 3 });
  });
});

// Fault injection: the instrumented fixture (built with tspc) runs against a server that
// fails in one way, then a second process of the same package runs against a healthy server
// at the same address. For every fault: the program prints what the plain build prints,
// throws nothing (production), exits within the grace period, and every record is accounted
// for: delivered, spooled and delivered exactly once by the second process, or counted as lost
// with a reason.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closedPort } from "./helpers/runtime-server.mjs";
import { DELIVER, buildApp, spooledRecords, spoolFiles } from "./helpers/reliability-app.mjs";
import { startFaultServer } from "./helpers/reliability-server.mjs";

// Generous bound for "exits within the grace period": the time from the end of the program's
// own work (its first beforeExit) to its exit. The runtime's wait is capped at 1 s.
const EXIT_BOUND_MS = 1_500;
/** The work scenario records 12 Experiment.run calls and one Experiment.submit. */
const RECORDS = 13;
const LINGER = { ATT_LINGER_MS: "600", ...DELIVER };
const RETRY_AFTER_S = 3;

const CASES = [
  { name: "refuses connections", fault: "closed", reasons: ["network"] },
  { name: "accepts and never answers", fault: "hang", reasons: [] },
  { name: "answers 500", fault: 500, reasons: ["http-500"] },
  { name: "answers 503", fault: 503, reasons: ["http-503"] },
  { name: "answers 403", fault: 403, reasons: ["http-403"], rejected: true },
  { name: "answers 429 with Retry-After", fault: 429, reasons: ["http-429"], retryAfter: true },
  { name: "resets the connection mid-request", fault: "reset", reasons: ["network"] },
  { name: "trickles its status line", fault: "trickle-head", reasons: [] },
  { name: "trickles its body after a 201", fault: "trickle-body", reasons: [], delivered: true },
  { name: "answers garbage, not HTTP", fault: "garbage", reasons: ["network"] },
  { name: "has a host name that does not resolve", fault: "unresolvable", reasons: ["network"] },
];

const configOf = (body) => `${body.function}:${body.kwargs.config ?? body.kwargs.queue}`;

describe("fault injection", () => {
  let app;
  let plain;
  const walls = {};
  const delays = {};

  before(async () => {
    app = buildApp();
    const port = await closedPort();
    plain = await app.run("dist-plain", ["work"], {
      home: app.newHome(),
      serverUrl: `http://127.0.0.1:${port}/api/`,
    });
    assert.equal(plain.code, 0, plain.stderr);
    walls.plain = plain.wallMs;
  });

  after(() => {
    app?.cleanup();
    const figures = (times) => Object.entries(times).map(([k, v]) => `${k} ${Math.round(v)} ms`);
    process.stdout.write(`# fault wall times (first process): ${figures(walls).join(", ")}\n`);
    process.stdout.write(`# fault exit delays (first process): ${figures(delays).join(", ")}\n`);
  });

  /** Where the first process sends, and how to get a healthy server at that address. */
  async function faultyServer(fault) {
    if (fault === "closed") {
      const port = await closedPort();
      return { url: `http://127.0.0.1:${port}/api/`, healthy: () => startFaultServer({ port }) };
    }
    if (fault === "unresolvable") {
      return { url: "http://att-fault-injection.invalid:8000/api/", healthy: undefined };
    }
    const server = await startFaultServer({
      mode: fault,
      retryAfter: fault === 429 ? RETRY_AFTER_S : undefined,
    });
    return {
      url: server.url,
      server,
      healthy: async () => {
        server.setMode("ok");
        return server;
      },
    };
  }

  function assertHostUnchanged(run) {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, plain.stdout);
    assert.equal(run.stderr, "");
  }

  /** Every record of a first run: delivered, spooled, or lost with a reason. */
  function assertAccounted(counters, spooled, testCase) {
    assert.equal(counters.queued + counters.inFlight, 0);
    assert.equal(
      counters.sent + counters.spooled + counters.lost,
      RECORDS,
      JSON.stringify(counters),
    );
    assert.equal(counters.spooled, spooled.length);
    assert.equal(counters.errors, 0);
    for (const reason of Object.keys(counters.failedByReason)) {
      assert.ok(testCase.reasons.includes(reason), `failed for ${reason}`);
    }
    assert.deepEqual(
      Object.keys(counters.droppedByReason).filter((r) => r !== "exit"),
      [],
    );
    const lostReasons = Object.keys(counters.lostByReason);
    assert.deepEqual(lostReasons, testCase.rejected && counters.lost > 0 ? ["rejected"] : []);
    if (testCase.rejected) {
      assert.ok(counters.lostByReason.rejected > 0, "some records were answered 403");
      assert.equal(counters.lostByReason.rejected, counters.failedByReason["http-403"]);
    }
    if (testCase.delivered) assert.ok(counters.sent > 0, "a 201 status line is a delivery");
    else assert.equal(counters.sent, 0);
  }

  for (const testCase of CASES) {
    test(`the server ${testCase.name}`, async () => {
      const home = app.newHome();
      const target = await faultyServer(testCase.fault);
      let healthy;
      try {
        const first = await app.run("dist", ["work"], { home, serverUrl: target.url });
        walls[testCase.fault] = first.wallMs;
        delays[testCase.fault] = first.report.exitDelayMs;
        assertHostUnchanged(first);
        const delay = first.report.exitDelayMs;
        assert.ok(delay < EXIT_BOUND_MS, `exit delayed by ${Math.round(delay)} ms`);
        const { counters, connects, spawned } = first.report;
        assert.deepEqual(new Set(connects), new Set([new URL(target.url).host]));
        assert.deepEqual(spawned, []);

        const spooled = spooledRecords(home.spoolDir);
        assertAccounted(counters, spooled, testCase);
        const sessions = new Set(spooled.map((record) => JSON.parse(record.body).session_id));
        assert.ok(sessions.size <= 1);
        for (const record of spooled) {
          assert.equal(record.url.startsWith(target.url), true, record.url);
          assert.equal(record.headers.Authorization.startsWith("Bearer "), true);
          // 1 once the request went out, 0 for a record still queued when the process ended.
          assert.ok(record.attempts === 0 || record.attempts === 1, `attempts ${record.attempts}`);
        }

        if (target.healthy === undefined) {
          await assertStillSpooledAfterRetry(home, spooled);
          return;
        }
        healthy = await target.healthy();
        const firstSession = [...sessions][0];
        const expected = spooled.map((record) => configOf(JSON.parse(record.body))).sort();
        let due = expected;
        let later = [];
        if (testCase.retryAfter) {
          const waiting = spoolFiles(home.spoolDir).filter((file) => notBefore(file) > Date.now());
          later = waiting.flatMap((file) =>
            file.content.records.map((r) => configOf(JSON.parse(r.body))),
          );
          assert.equal(later.length, counters.failedByReason["http-429"]);
          due = expected.filter((name) => !later.includes(name));
        }

        const second = await app.run("dist", ["linger"], {
          home,
          serverUrl: target.url,
          env: LINGER,
        });
        assert.equal(second.code, 0, second.stderr);
        assert.equal(second.stderr, "");
        const fromFirst = () =>
          healthy
            .bodies("ok")
            .filter((body) => body.session_id === firstSession)
            .map(configOf)
            .sort();
        assert.deepEqual(fromFirst(), [...due].sort());
        assert.equal(second.report.counters.resent, due.length);
        assert.equal(second.report.counters.sent, RECORDS);

        if (testCase.retryAfter) {
          const waitMs = Math.max(...spoolFiles(home.spoolDir).map(notBefore)) - Date.now();
          // Retry-After, rounded up to the next second.
          assert.ok(waitMs > 0 && waitMs <= (RETRY_AFTER_S + 1) * 1000, `waits ${waitMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, waitMs + 50));
          const third = await app.run("dist", ["linger"], {
            home,
            serverUrl: target.url,
            env: LINGER,
          });
          assert.equal(third.code, 0, third.stderr);
          assert.equal(third.report.counters.resent, later.length);
          assert.deepEqual(fromFirst(), expected);
        }
        assert.deepEqual(spoolFiles(home.spoolDir), []);
      } finally {
        await (healthy ?? target.server)?.close();
      }
    });
  }

  // An unresolvable host stays unresolvable: a later process tries, puts the records back
  // (tried twice now, so they wait out the backoff), and a process right after leaves them.
  async function assertStillSpooledAfterRetry(home, spooled) {
    const url = "http://att-fault-injection.invalid:8000/api/";
    const second = await app.run("dist", ["linger"], { home, serverUrl: url, env: LINGER });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.report.counters.respooled, spooled.length);
    assert.equal(second.report.counters.resent, 0);
    const again = spooledRecords(home.spoolDir);
    const firstBodies = new Set(spooled.map((record) => record.body));
    const retried = again.filter((record) => firstBodies.has(record.body));
    assert.equal(retried.length, spooled.length);
    for (const record of retried) assert.equal(record.attempts, 2);

    const third = await app.run("dist", ["work"], { home, serverUrl: url });
    assert.equal(third.code, 0, third.stderr);
    const untouched = spooledRecords(home.spoolDir).filter((record) =>
      firstBodies.has(record.body),
    );
    assert.deepEqual(
      untouched.map((record) => record.attempts),
      retried.map(() => 2),
    );
  }
});

function notBefore(file) {
  return Number(/^r-(\d+)-/.exec(file.name)[1]);
}

// The spool: where undelivered records are kept, in what form, within which bounds, and how a
// later process of the package delivers them exactly once, even when several start together or
// one dies holding a claim.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  chownSync,
  chmodSync,
  mkdirSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { closedPort } from "./helpers/runtime-server.mjs";
import {
  DELIVER,
  TOKEN,
  buildApp,
  spoolFiles,
  spooledRecords,
} from "./helpers/reliability-app.mjs";
import { startFaultServer } from "./helpers/reliability-server.mjs";

const RECORDS = 13;
const MAX_SPOOL_RECORDS = 1_000;
const MAX_SPOOL_BYTES = 4 * 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;
const LINGER = { ATT_LINGER_MS: "600", ...DELIVER };
const READY = /^r-(\d+)-(\d+)-(\d+)-[0-9a-z-]+\.json$/;

const mode = (path) => statSync(path).mode & 0o777;
const sessionOf = (record) => JSON.parse(record.body).session_id;

describe("the spool", () => {
  let app;

  before(() => {
    app = buildApp();
  });

  after(() => app?.cleanup());

  /** A home whose spool holds the records of `runs` processes that met a closed port. */
  async function spoolFromDownServer(home, { runs = 1, args = ["work"], env = {}, code = 0 } = {}) {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/api/`;
    const results = await Promise.all(
      Array.from({ length: runs }, () => app.run("dist", args, { home, serverUrl: url, env })),
    );
    for (const result of results) assert.equal(result.code, code, result.stderr);
    return { port, url, results };
  }

  test("undelivered records are written as private files holding the exact requests", async () => {
    const home = app.newHome();
    const { port, url, results } = await spoolFromDownServer(home);
    assert.equal(results[0].report.counters.spooled, RECORDS);

    const stateDir = join(home.env.XDG_STATE_HOME, "access-ts-telemetry");
    assert.equal(mode(stateDir), 0o700);
    assert.equal(mode(home.spoolDir), 0o700);
    const [file, ...others] = spoolFiles(home.spoolDir);
    assert.deepEqual(others, []);
    const [, , records, bytes] = READY.exec(file.name).map(Number);
    assert.equal(records, RECORDS);
    assert.equal(bytes, statSync(file.path).size);
    assert.equal(mode(file.path), 0o600);
    assert.deepEqual(Object.keys(file.content), ["spool", "records"]);
    assert.equal(file.content.spool, 1);
    for (const record of file.content.records) {
      assert.deepEqual(Object.keys(record), ["url", "headers", "body", "spooledAt", "attempts"]);
      assert.match(record.url, new RegExp(`^${url}mypackage/run/$`));
      assert.deepEqual(record.headers, {
        Authorization: `Bearer ${TOKEN}`,
        "Content-Type": "application/json",
      });
      assert.ok(Math.abs(record.spooledAt - Date.now()) < 60_000);
    }

    const server = await startFaultServer({ port });
    try {
      const later = await app.run("dist", ["linger"], { home, serverUrl: url, env: LINGER });
      assert.equal(later.code, 0, later.stderr);
      assert.equal(later.report.counters.resent, RECORDS);
      const first = new Set(file.content.records.map((record) => record.body));
      const delivered = server.requests.filter((request) => first.has(request.text));
      assert.equal(delivered.length, RECORDS);
      for (const request of delivered) {
        assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
        assert.equal(request.headers["content-type"], "application/json");
      }
      assert.deepEqual(readdirSync(home.spoolDir), []);
    } finally {
      await server.close();
    }
  });

  test("without an absolute XDG_STATE_HOME the spool is under ~/.local/state", async () => {
    for (const value of ["", "relative/state"]) {
      const home = app.newHome();
      await spoolFromDownServer(home, { env: { XDG_STATE_HOME: value } });
      const spoolDir = join(home.root, ".local", "state", "access-ts-telemetry", "spool");
      assert.equal(spooledRecords(spoolDir).length, RECORDS);
      assert.equal(mode(spoolDir), 0o700);
      assert.deepEqual(readdirSync(home.env.XDG_STATE_HOME), []);
    }
  });

  test("process.exit() with records queued writes them to the spool before the process ends", async () => {
    const home = app.newHome();
    const { results } = await spoolFromDownServer(home, { args: ["exit"], code: 3 });
    const records = spooledRecords(home.spoolDir);
    assert.equal(records.length, RECORDS);
    assert.deepEqual(
      records.map((record) => record.attempts),
      records.map(() => 0),
    );
    assert.equal(results[0].report.counters.droppedByReason.exit, RECORDS);
  });

  // The writers are processes of the package too: ending, each one tries what the others
  // spooled (the port is still closed) and puts it back with a backoff. Between rounds the
  // test moves every file's notBefore (in its name) to 0 instead of waiting the backoff out.
  test("processes starting together write and then deliver every record exactly once", async () => {
    const home = app.newHome();
    const writers = 16;
    const { port, url, results } = await spoolFromDownServer(home, { runs: writers });
    const spooled = spooledRecords(home.spoolDir);
    assert.equal(spooled.length, writers * RECORDS);
    const written = results.reduce((sum, result) => sum + result.report.counters.spooled, 0);
    assert.equal(written, writers * RECORDS);
    for (const result of results) assert.equal(result.report.counters.lost, 0);
    const sessions = new Set(spooled.map(sessionOf));
    assert.equal(sessions.size, writers);

    const server = await startFaultServer({ port });
    try {
      let resent = 0;
      for (let round = 0; round < 3 && spoolFiles(home.spoolDir).length > 0; round++) {
        for (const file of spoolFiles(home.spoolDir)) {
          renameSync(file.path, join(home.spoolDir, file.name.replace(/^r-\d+-/, "r-0-")));
        }
        const readers = await Promise.all(
          Array.from({ length: 4 }, () =>
            app.run("dist", ["linger"], { home, serverUrl: url, env: LINGER }),
          ),
        );
        for (const reader of readers) {
          assert.equal(reader.code, 0, reader.stderr);
          resent += reader.report.counters.resent;
        }
      }
      const delivered = server.requests.filter((request) => sessions.has(request.body.session_id));
      const bodies = delivered.map((request) => request.text);
      assert.equal(new Set(bodies).size, bodies.length, "no record delivered twice");
      assert.deepEqual(bodies.sort(), spooled.map((record) => record.body).sort());
      assert.equal(resent, spooled.length);
      assert.deepEqual(spoolFiles(home.spoolDir), []);
    } finally {
      await server.close();
    }
  });

  test("a claim whose process died is taken over; a live process keeps its claim", async () => {
    const home = app.newHome();
    const server = await startFaultServer({ mode: "hang" });
    const elsewhere = await startFaultServer();
    try {
      const first = await app.run("dist", ["work"], { home, serverUrl: server.url });
      assert.equal(first.report.counters.spooled, RECORDS);
      const firstSession = sessionOf(spooledRecords(home.spoolDir)[0]);

      // A process that takes the spool and then hangs on the server, until it is killed.
      let holder;
      const held = app.run("dist", ["linger"], {
        home,
        serverUrl: server.url,
        env: { ATT_LINGER_MS: "15000", ATT_REQUEST_TIMEOUT_MS: "60000" },
        onSpawn: (child) => (holder = child),
      });
      const claim = await waitFor(() =>
        readdirSync(home.spoolDir).find((n) => n.includes(".claim-")),
      );
      assert.match(claim, new RegExp(`\\.claim-\\d+-${holder.pid}-[0-9a-f]{8}$`));

      // Its own records go elsewhere; the spooled ones would go to the hanging server.
      const whileHeld = await app.run("dist", ["work"], {
        home,
        serverUrl: elsewhere.url,
        env: DELIVER,
      });
      assert.equal(whileHeld.report.counters.resent + whileHeld.report.counters.respooled, 0);
      assert.ok(readdirSync(home.spoolDir).includes(claim), "the live claim is left alone");

      holder.kill("SIGKILL");
      assert.equal((await held).signal, "SIGKILL");
      assert.ok(readdirSync(home.spoolDir).includes(claim), "a killed process gives nothing back");
      server.setMode("ok");
      const after = await app.run("dist", ["linger"], { home, serverUrl: server.url, env: LINGER });
      assert.equal(after.report.counters.resent, RECORDS + whileHeld.report.counters.spooled);
      const delivered = server
        .bodies("ok")
        .filter((body) => body.session_id === firstSession)
        .map((body) => body.kwargs.config ?? body.kwargs.queue);
      assert.equal(delivered.length, RECORDS);
      assert.equal(new Set(delivered).size, RECORDS);
      assert.deepEqual(readdirSync(home.spoolDir), []);
    } finally {
      await server.close();
      await elsewhere.close();
    }
  });

  test("a claim from another host is taken over once it is older than the stale timeout", async () => {
    const home = app.newHome();
    const { port, url } = await spoolFromDownServer(home, { runs: 2 });
    const [fresh, old] = spoolFiles(home.spoolDir);
    const now = Date.now();
    renameSync(fresh.path, `${fresh.path}.claim-${now}-1-00000000`);
    renameSync(old.path, `${old.path}.claim-${now - 10 * 60_000}-1-00000000`);

    const server = await startFaultServer({ port });
    try {
      const later = await app.run("dist", ["linger"], { home, serverUrl: url, env: LINGER });
      assert.equal(later.report.counters.resent, RECORDS);
      const oldBodies = new Set(old.content.records.map((record) => record.body));
      assert.equal(
        server.requests.filter((request) => oldBodies.has(request.text)).length,
        RECORDS,
      );
      assert.deepEqual(readdirSync(home.spoolDir), [`${fresh.name}.claim-${now}-1-00000000`]);
    } finally {
      await server.close();
    }
  });

  test("the spool holds at most 1,000 records; what does not fit is counted and, in staging, reported", async () => {
    const home = app.newHome();
    const { url, results } = await spoolFromDownServer(home, { args: ["work", "1100"] });
    const { counters } = results[0].report;
    assert.equal(counters.spooled, MAX_SPOOL_RECORDS);
    assert.deepEqual(counters.lostByReason, { "spool-full": 1101 - MAX_SPOOL_RECORDS });
    assert.equal(counters.spooled + counters.lost, 1101);
    assert.equal(spooledRecords(home.spoolDir).length, MAX_SPOOL_RECORDS);

    const staging = await app.run("dist", ["work"], {
      home,
      serverUrl: url,
      env: { ATT_STAGING: "1", ACCESS_TELEMETRY_SERVER_URL: url },
    });
    assert.equal(staging.code, 0, staging.stderr);
    assert.deepEqual(staging.report.counters.lostByReason, { "spool-full": RECORDS });
    assert.match(
      staging.stderr,
      /\[ATT_SPOOL_FULL\] Warning: access-ts-telemetry: the spool is full/,
    );
    assert.ok(!staging.stderr.includes(TOKEN));
    assert.equal(spooledRecords(home.spoolDir).length, MAX_SPOOL_RECORDS);
  });

  test("the spool takes at most 4 MiB; what does not fit is counted", async () => {
    const home = app.newHome();
    const { results } = await spoolFromDownServer(home, { args: ["big", "200"] });
    const { counters } = results[0].report;
    assert.equal(counters.spooled + counters.lost, 200);
    assert.ok(counters.lostByReason["spool-full"] > 0, JSON.stringify(counters));
    assert.ok(counters.spooled > 50, JSON.stringify(counters));
    const files = spoolFiles(home.spoolDir);
    const total = files.reduce((sum, file) => sum + statSync(file.path).size, 0);
    assert.ok(total <= MAX_SPOOL_BYTES, `${total} bytes`);
    assert.equal(spooledRecords(home.spoolDir).length, counters.spooled);
  });

  test("records older than 7 days are discarded and counted; younger ones are delivered", async () => {
    const home = app.newHome();
    const server = await startFaultServer();
    try {
      const now = Date.now();
      writeSpoolFile(home, [
        handMade(server.url, "eight-days", now - 8 * DAY_MS),
        handMade(server.url, "six-days", now - 6 * DAY_MS),
      ]);
      const later = await app.run("dist", ["linger"], { home, serverUrl: server.url, env: LINGER });
      assert.deepEqual(later.report.counters.lostByReason, { expired: 1 });
      assert.equal(later.report.counters.resent, 1);
      const marks = server.requests.map((request) => request.body.mark).filter(Boolean);
      assert.deepEqual(marks, ["six-days"]);
      assert.deepEqual(readdirSync(home.spoolDir), []);
    } finally {
      await server.close();
    }
  });

  test("unreadable files and records are removed and counted; nothing in them is evaluated", async () => {
    const home = app.newHome();
    const server = await startFaultServer();
    try {
      const now = Date.now();
      mkdirSync(home.spoolDir, { recursive: true, mode: 0o700 });
      writeFileSync(join(home.spoolDir, "r-0-3-20-garbage.json"), "process.exit(9)", {
        mode: 0o600,
      });
      const evaluated = join(home.root, "evaluated");
      const code = `require('fs').writeFileSync(${JSON.stringify(evaluated)}, 'x')`;
      const hostile = `,"code":${JSON.stringify(code)},"__proto__":{"polluted":true}`;
      writeSpoolFile(home, [
        handMade(server.url, "kept", now, hostile),
        { ...handMade(server.url, "file-url", now), url: "file:///etc/passwd" },
        { ...handMade(server.url, "injected", now), headers: { "X-A": "1\r\nX-Injected: 1" } },
        { ...handMade(server.url, "not-json", now), body: "{not json" },
      ]);
      const later = await app.run("dist", ["linger"], { home, serverUrl: server.url, env: LINGER });
      assert.equal(later.code, 0, later.stderr);
      assert.deepEqual(later.report.counters.lostByReason, { corrupt: 6 });
      const received = server.requests.filter((request) => request.body.mark !== undefined);
      assert.deepEqual(
        received.map((request) => request.body.mark),
        ["kept"],
      );
      assert.equal(received[0].text.endsWith(`"mark":"kept"${hostile}}`), true, received[0].text);
      assert.equal(received[0].headers["x-injected"], undefined);
      assert.deepEqual(readdirSync(home.root).includes("evaluated"), false);
      assert.deepEqual(readdirSync(home.spoolDir), []);
    } finally {
      await server.close();
    }
  });

  test("a spool directory open to others is closed to 0700; one owned by another user is not used", async (t) => {
    const home = app.newHome();
    mkdirSync(home.spoolDir, { recursive: true });
    chmodSync(home.spoolDir, 0o755);
    await spoolFromDownServer(home);
    assert.equal(mode(home.spoolDir), 0o700);
    assert.equal(spooledRecords(home.spoolDir).length, RECORDS);

    if (process.getuid?.() !== 0) {
      t.diagnostic("not root: the other-user case needs chown");
      return;
    }
    const other = app.newHome();
    mkdirSync(other.spoolDir, { recursive: true, mode: 0o700 });
    chownSync(other.spoolDir, 65534, 65534);
    const { results } = await spoolFromDownServer(other, { env: { ATT_STAGING: "1" } });
    assert.deepEqual(results[0].report.counters.lostByReason, { "spool-unavailable": RECORDS });
    assert.match(results[0].stderr, /\[ATT_SPOOL_UNAVAILABLE\].*belongs to another user/);
    assert.deepEqual(readdirSync(other.spoolDir), []);
  });
});

/** A spooled record written by hand, as the spool file format describes it. */
function handMade(serverUrl, mark, spooledAt, extraJson = "") {
  return {
    url: `${serverUrl}mypackage/run/`,
    headers: { "Content-Type": "application/json" },
    body: `{"function":"Experiment.run","kwargs":{},"mark":${JSON.stringify(mark)}${extraJson}}`,
    spooledAt,
    attempts: 1,
  };
}

function writeSpoolFile(home, records) {
  mkdirSync(home.spoolDir, { recursive: true, mode: 0o700 });
  const text = JSON.stringify({ spool: 1, records });
  const name = `r-0-${records.length}-${Buffer.byteLength(text)}-handmade.json`;
  writeFileSync(join(home.spoolDir, name), text, { mode: 0o600 });
}

async function waitFor(find, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`nothing appeared within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

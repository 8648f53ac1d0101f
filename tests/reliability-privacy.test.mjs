// The user decides, and sees: the opt-out variables and the stored choice switch everything
// off (no record, no request, no file, no child process, no argument read), the debug view
// prints each request instead of sending it, and no secret reaches the output.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "./helpers/cli-io.mjs";
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
const mode = (path) => statSync(path).mode & 0o777;

describe("opt-out, debug view and secrets", () => {
  let app;
  let server;
  let plain;
  let plainProbe;

  before(async () => {
    app = buildApp();
    server = await startFaultServer();
    const home = app.newHome();
    plain = await app.run("dist-plain", ["work"], { home, serverUrl: server.url });
    plainProbe = await app.run("dist-plain", ["probe"], { home, serverUrl: server.url });
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plainProbe.stdout, "argument read 0 times\n");
  });

  after(async () => {
    await server?.close();
    app?.cleanup();
  });

  /** A home whose spool holds 13 records left by a run against a closed port. */
  async function homeWithSpool() {
    const home = app.newHome();
    const port = await closedPort();
    await app.run("dist", ["work"], { home, serverUrl: `http://127.0.0.1:${port}/api/` });
    const files = spoolFiles(home.spoolDir);
    assert.equal(files.length, 1);
    return { home, files };
  }

  function assertNothingHappened(run, home, before) {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, plain.stdout);
    assert.equal(run.stderr, "");
    assert.equal(server.requests.length, before);
    assert.deepEqual(run.report.spawned, []);
    assert.deepEqual(run.report.connects, []);
    const { sent, failed, dropped, printed, spooled, resent, lost, queued } = run.report.counters;
    assert.deepEqual(
      [sent, failed, dropped, printed, spooled, resent, lost, queued],
      [0, 0, 0, 0, 0, 0, 0, 0],
    );
    if (home !== undefined) assert.deepEqual(home.files(), []);
  }

  for (const [name, value] of [
    ["DO_NOT_TRACK", "1"],
    ["ACCESS_TELEMETRY_DISABLED", "1"],
    ["DO_NOT_TRACK", "yes"],
    ["ACCESS_TELEMETRY_DISABLED", "TRUE"],
  ]) {
    test(`${name}=${value}: no record, no request, no file, no child process`, async () => {
      const home = app.newHome();
      const before = server.requests.length;
      const run = await app.run("dist", ["work"], {
        home,
        serverUrl: server.url,
        env: { [name]: value },
      });
      assertNothingHappened(run, home, before);
    });
  }

  test("opted out, a tracked call reads none of its arguments (only the flag is checked)", async () => {
    const home = app.newHome();
    const off = await app.run("dist", ["probe"], {
      home,
      serverUrl: server.url,
      env: { DO_NOT_TRACK: "1" },
    });
    assert.equal(off.stdout, plainProbe.stdout);
    const on = await app.run("dist", ["probe"], { home: app.newHome(), serverUrl: server.url });
    assert.equal(on.stdout, "argument read 3 times\n");
  });

  test("opted out, records spooled earlier stay where they are and nothing is sent", async () => {
    const { home, files } = await homeWithSpool();
    const before = server.requests.length;
    for (const env of [{ DO_NOT_TRACK: "1" }, { ACCESS_TELEMETRY_DISABLED: "1" }]) {
      const run = await app.run("dist", ["work"], { home, serverUrl: server.url, env });
      assertNothingHappened(run, undefined, before);
      assert.deepEqual(spoolFiles(home.spoolDir), files);
    }
  });

  test("the stored choice switches everything off; status names what decided; the environment decides first", async () => {
    const home = app.newHome();
    const file = join(home.env.XDG_CONFIG_HOME, "access-ts-telemetry", "consent.json");
    const disabled = await runCli(["disable"], home.env);
    assert.equal(disabled.stdout, `Telemetry disabled; choice stored in ${file}\n`);
    assert.equal(mode(file), 0o600);
    assert.equal(mode(join(home.env.XDG_CONFIG_HOME, "access-ts-telemetry")), 0o700);

    const status = await runCli(["status"], home.env);
    assert.match(status.stdout, /^Telemetry is disabled\.$/m);
    assert.match(status.stdout, new RegExp(`^Decided by: the stored choice in ${file}$`, "m"));

    const before = server.requests.length;
    const off = await app.run("dist", ["work"], { home, serverUrl: server.url });
    assertNothingHappened(off, undefined, before);
    assert.deepEqual(home.files(), [
      "xdg-config/access-ts-telemetry",
      "xdg-config/access-ts-telemetry/consent.json",
    ]);

    await runCli(["enable"], home.env);
    const overridden = await runCli(["status"], { ...home.env, ACCESS_TELEMETRY_DISABLED: "1" });
    assert.match(overridden.stdout, /^Telemetry is disabled\.$/m);
    assert.match(
      overridden.stdout,
      /^Decided by: the environment variable ACCESS_TELEMETRY_DISABLED$/m,
    );
    assert.match(overridden.stdout, /^Stored choice: enabled /m);
    const stillOff = await app.run("dist", ["work"], {
      home,
      serverUrl: server.url,
      env: { ACCESS_TELEMETRY_DISABLED: "1" },
    });
    assertNothingHappened(stillOff, undefined, before);

    const on = await app.run("dist", ["work"], { home, serverUrl: server.url, env: DELIVER });
    assert.equal(on.report.counters.sent, RECORDS);
    assert.equal(server.requests.length, before + RECORDS);
  });

  test("ACCESS_TELEMETRY_DEBUG=1 prints each request as one block, sends nothing, writes nothing", async () => {
    const home = app.newHome();
    const before = server.requests.length;
    const run = await app.run("dist", ["work"], {
      home,
      serverUrl: server.url,
      env: { ACCESS_TELEMETRY_DEBUG: "1" },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, plain.stdout);
    assert.equal(server.requests.length, before);
    assert.deepEqual(run.report.connects, []);
    assert.deepEqual(home.files(), []);
    assert.equal(run.report.counters.printed, RECORDS);
    assert.ok(!run.stderr.includes(TOKEN), "the token is not printed");

    const blocks = run.stderr.split(/^(?=access-ts-telemetry debug)/m);
    assert.equal(blocks.length, RECORDS);
    const bodies = blocks.map((block) => {
      const lines = block.split("\n");
      const endpoint = lines[0].endsWith("/mypackage/results/") ? "results" : "run";
      assert.equal(
        lines[0],
        `access-ts-telemetry debug, not sent: POST ${server.url}mypackage/${endpoint}/`,
      );
      assert.deepEqual(lines.slice(1, 3), [
        "Authorization: [redacted]",
        "Content-Type: application/json",
      ]);
      assert.equal(lines[3], `Content-Length: ${Buffer.byteLength(lines[5])}`);
      assert.deepEqual([lines[4], lines[6], lines.length], ["", "", 8]);
      return lines[5];
    });

    // The bodies are exactly what the same program sends when not in debug mode, but for the
    // session id and timestamps.
    const sent = await app.run("dist", ["work"], {
      home: app.newHome(),
      serverUrl: server.url,
      env: DELIVER,
    });
    assert.equal(sent.report.counters.sent, RECORDS);
    const normalise = (text) =>
      text
        .replace(/"session_id":"[0-9a-f]{64}"/, '"session_id":"S"')
        .replace(/"timestamp":"[^"]+"/, '"timestamp":"T"');
    const received = server.requests.slice(before).map((request) => normalise(request.text));
    assert.deepEqual(bodies.map(normalise).sort(), received.sort());
  });

  test("in debug mode spooled records are neither sent nor printed nor touched", async () => {
    const { home, files } = await homeWithSpool();
    const run = await app.run("dist", ["work"], {
      home,
      serverUrl: server.url,
      env: { ACCESS_TELEMETRY_DEBUG: "1" },
    });
    assert.equal(run.report.counters.printed, RECORDS);
    assert.equal(run.report.counters.resent, 0);
    assert.deepEqual(spoolFiles(home.spoolDir), files);
    assert.deepEqual(run.report.connects, []);
  });

  test("warnings and errors name URLs without credentials and never carry header values", async () => {
    const failing = await startFaultServer({ mode: 500 });
    try {
      const withPassword = failing.url.replace("http://", "http://reporter:pw-hunter2@");
      const run = await app.run("dist", ["work"], {
        home: app.newHome(),
        serverUrl: withPassword,
        env: { ATT_STAGING: "1" },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, plain.stdout);
      assert.match(run.stderr, /\[ATT_SEND_FAILED\] Warning: access-ts-telemetry: could not send/);
      assert.match(run.stderr, new RegExp(`${failing.url}mypackage/run/: the server answered 500`));
      assert.ok(!run.stderr.includes(TOKEN));
      assert.ok(!run.stderr.includes("pw-hunter2"));
    } finally {
      await failing.close();
    }

    const port = await closedPort();
    const refused = await app.run("dist", ["work"], {
      home: app.newHome(),
      serverUrl: `http://reporter:pw-hunter2@127.0.0.1:${port}/api/`,
      env: { ATT_STAGING: "1" },
    });
    assert.match(refused.stderr, /ECONNREFUSED/);
    assert.ok(!refused.stderr.includes("pw-hunter2"));
    assert.ok(!refused.stderr.includes(TOKEN));
  });

  test("records go only to the configured URL, even when arguments hold URLs", async () => {
    const home = app.newHome();
    const run = await app.run("dist", ["hostile"], { home, serverUrl: server.url });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(new Set(run.report.connects), new Set([new URL(server.url).host]));
    for (const record of spooledRecords(home.spoolDir)) {
      assert.equal(record.url.startsWith(server.url), true, record.url);
    }
  });
});

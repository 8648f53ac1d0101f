// The user decides: environment opt-outs and the stored choice switch everything off (no
// record, no request, no file, no child process); debug mode prints instead of sending.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startCollector } from "./helpers/runtime-server.mjs";
import { lastJson, makeProject, packageRoot, requireBuild } from "./helpers/runtime-child.mjs";

requireBuild();
const consent = await import(
  pathToFileURL(join(packageRoot, "dist", "cjs", "runtime", "consent.js")).href
);

// Child processes and files are refused before the runtime loads, so any attempt shows.
const HOST = `
const childProcess = require("node:child_process");
for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  childProcess[name] = () => { throw new Error("telemetry started a child process"); };
}
const t = require("access-ts-telemetry");
t.declareServices({ gate_svc: { endpoint: "gate/svc", functions: ["tracked"] } });
const handler = new t.ApiHandler();
handler.setHeaders(null, { Authorization: "Bearer very-secret" });
let built = 0;
function tracked(x) {
  if (t.telemetryGate.enabled) t.trackCall("gate_svc", "tracked", [], { x, n: ++built });
  return x * 2;
}
const wrapped = t.registerFunc("gate_svc")(function wrappedFn(y) { return y + 1; });
let out = 0;
for (let i = 0; i < 3; i++) out += tracked(i) + wrapped(i);
handler.sendApiRequest("gate_svc", "direct", [1], {});
handler.sendFailureApiRequest("gate_svc", 500, "failing");
process.on("exit", () => {
  console.log(JSON.stringify({
    out,
    built,
    enabled: t.telemetryGate.enabled,
    last: handler.lastRecord ?? null,
    counters: handler.counters,
    decision: t.readConsent(),
  }));
});
`;

describe("the gate", () => {
  let collector;
  let project;

  before(async () => {
    collector = await startCollector();
    project = makeProject();
    project.write({ "host.cjs": HOST });
  });

  after(async () => {
    await collector?.close();
    project?.cleanup();
  });

  async function runHost(env) {
    const before = collector.requests.length;
    const result = await project.run("host.cjs", {
      env: { ACCESS_TELEMETRY_SERVER_URL: collector.url, ...env },
    });
    assert.equal(result.code, 0, result.stderr);
    return { seen: lastJson(result), result, before };
  }

  function assertNothingHappened(seen, before) {
    assert.equal(seen.out, 12);
    assert.equal(seen.enabled, false);
    assert.equal(seen.built, 0);
    assert.equal(seen.last, null);
    assert.deepEqual(
      [seen.counters.sent, seen.counters.failed, seen.counters.dropped, seen.counters.queued],
      [0, 0, 0, 0],
    );
    assert.equal(collector.requests.length, before);
  }

  for (const [name, value] of [
    ["DO_NOT_TRACK", "1"],
    ["DO_NOT_TRACK", "YES"],
    ["ACCESS_TELEMETRY_DISABLED", "true"],
    ["ACCESS_TELEMETRY_DISABLED", " True "],
  ]) {
    test(`${name}=${JSON.stringify(value)} switches everything off`, async () => {
      const { seen, before, result } = await runHost({ [name]: value });
      assertNothingHappened(seen, before);
      assert.deepEqual(seen.decision, { enabled: false, decidedBy: name });
      assert.deepEqual(readdirSync(project.configHome), []);
      assert.equal(result.stderr, "");
    });
  }

  test('"0", "false" and "" do not switch it off', async () => {
    const { seen, before } = await runHost({
      DO_NOT_TRACK: "0",
      ACCESS_TELEMETRY_DISABLED: "false",
    });
    assert.equal(seen.enabled, true);
    assert.equal(seen.built, 3);
    const received = await collector.waitFor(before + 8);
    assert.equal(received.length - before, 8);
    const { seen: empty } = await runHost({ DO_NOT_TRACK: "" });
    assert.equal(empty.enabled, true);
    await collector.waitFor(before + 16);
  });

  test("a stored choice of false switches everything off and says which file decided", async () => {
    const path = consent.writeConsent(false, { XDG_CONFIG_HOME: project.configHome });
    try {
      const { seen, before } = await runHost({});
      assertNothingHappened(seen, before);
      assert.deepEqual(seen.decision, { enabled: false, decidedBy: path });
    } finally {
      rmSync(path);
    }
  });

  test("a stored choice of true leaves it on; the env opt-out still wins", async () => {
    const path = consent.writeConsent(true, { XDG_CONFIG_HOME: project.configHome });
    try {
      const on = await runHost({});
      assert.equal(on.seen.enabled, true);
      assert.deepEqual(on.seen.decision, { enabled: true, decidedBy: path });
      await collector.waitFor(on.before + 8);
      const off = await runHost({ DO_NOT_TRACK: "1" });
      assertNothingHappened(off.seen, off.before);
    } finally {
      rmSync(path);
    }
  });

  test("with an env opt-out the choice file is not even read", async () => {
    const dir = join(project.configHome, "access-ts-telemetry");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "consent.json"), "not json");
    try {
      const off = await runHost({ ACCESS_TELEMETRY_DISABLED: "1" });
      assertNothingHappened(off.seen, off.before);
      assert.equal(off.result.stderr, "");
      const unreadable = await runHost({});
      assertNothingHappened(unreadable.seen, unreadable.before);
      assert.match(unreadable.result.stderr, /ATT_CONSENT_UNREADABLE/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("ACCESS_TELEMETRY_DEBUG=1 prints the exact bodies, headers redacted, and sends nothing", async () => {
    const { seen, before, result } = await runHost({ ACCESS_TELEMETRY_DEBUG: "1" });
    assert.equal(seen.counters.printed, 8);
    assert.equal(seen.counters.sent, 0);
    assert.equal(collector.requests.length, before);
    const blocks = result.stderr.split(/^(?=access-ts-telemetry debug)/m);
    assert.equal(blocks.length, 8);
    assert.ok(!result.stderr.includes("very-secret"));
    const [requestLine, authorization, contentType, contentLength, blank, body, end] =
      blocks[0].split("\n");
    assert.equal(
      requestLine,
      `access-ts-telemetry debug, not sent: POST ${collector.url}gate/svc/`,
    );
    assert.equal(authorization, "Authorization: [redacted]");
    assert.equal(contentType, "Content-Type: application/json");
    assert.equal(contentLength, `Content-Length: ${Buffer.byteLength(body)}`);
    assert.equal(blank, "");
    assert.deepEqual(JSON.parse(body).kwargs, { x: 0, n: 1 });
    assert.equal(end, "");
  });
});

describe("consent API", () => {
  const home = mkdtempSync(join(tmpdir(), "att-runtime-consent-"));
  after(() => rmSync(home, { recursive: true, force: true }));

  test("consentFilePath: XDG_CONFIG_HOME when absolute, else HOME/.config", () => {
    assert.equal(
      consent.consentFilePath({ XDG_CONFIG_HOME: "/x/cfg", HOME: "/h" }),
      "/x/cfg/access-ts-telemetry/consent.json",
    );
    assert.equal(
      consent.consentFilePath({ XDG_CONFIG_HOME: "relative", HOME: "/h" }),
      "/h/.config/access-ts-telemetry/consent.json",
    );
    assert.equal(
      consent.consentFilePath({ HOME: "/h" }),
      "/h/.config/access-ts-telemetry/consent.json",
    );
  });

  test("readConsent: default enabled; writeConsent: atomic, private, read back", () => {
    const env = { HOME: home };
    assert.deepEqual(consent.readConsent(env), { enabled: true, decidedBy: "default" });
    const path = consent.writeConsent(false, env);
    assert.equal(path, join(home, ".config", "access-ts-telemetry", "consent.json"));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, ".config", "access-ts-telemetry")).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(join(home, ".config", "access-ts-telemetry")), ["consent.json"]);
    assert.deepEqual(consent.readConsent(env), { enabled: false, decidedBy: path });
    consent.writeConsent(true, env);
    assert.deepEqual(consent.readConsent(env), { enabled: true, decidedBy: path });
    assert.throws(() => consent.writeConsent("no", env), TypeError);
  });
});

// What loading the runtime costs: no module beyond what the call path needs (no crypto, no
// HTTP, no sockets, no os), no file read but the stored choice, nothing loaded by a tracked
// call itself; the delivery side loads on the first send, and the whatwg-url stand-in used
// while node-fetch loads leaves the real module to anyone who asks for it later.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot, requireBuild } from "./helpers/runtime-child.mjs";
import { runBounded } from "./helpers/reliability-app.mjs";
import { startFaultServer } from "./helpers/reliability-server.mjs";

const ENTRY = join(packageRoot, "dist", "cjs", "runtime", "index.js");
const EAGER_FORBIDDEN = ["crypto", "http", "https", "net", "tls", "os", "zlib", "stream"];

// Notes every file the process touches through node:fs and every built-in module loaded,
// around the runtime's require, its first tracked call and its first send.
const PROBE = `
const fs = require("node:fs");
const touched = [];
for (const name of ["readFileSync", "statSync", "lstatSync", "existsSync", "readdirSync",
  "openSync", "accessSync", "mkdirSync", "writeFileSync", "renameSync", "realpathSync"]) {
  const original = fs[name];
  fs[name] = function (path, ...rest) {
    touched.push(String(path));
    return original.call(this, path, ...rest);
  };
}
const builtins = () => new Set(process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13)));
const before = builtins();
const t = require(process.argv[2]);
const atLoad = builtins();
const touchedAtLoad = touched.splice(0);
t.declareServices({ load_svc: { endpoint: "load/svc", functions: ["run"] } });
t.trackCall("load_svc", "run", [], { n: 1 });
const afterCall = builtins();
const fresh = (set, base) => [...set].filter((m) => !base.has(m));
const report = {
  atLoad: fresh(atLoad, before),
  touchedAtLoad,
  byCall: fresh(afterCall, atLoad),
};
if (process.env.SEND !== "1") {
  console.log(JSON.stringify(report));
} else {
  new t.ApiHandler().flush(5000).then((drained) => {
    const { createRequire } = require("node:module");
    const fromRuntime = createRequire(process.argv[2]);
    const fromFetch = createRequire(fromRuntime.resolve("node-fetch"));
    const whatwg = fromFetch("whatwg-url");
    report.drained = drained;
    report.sent = new t.ApiHandler().counters.sent;
    report.bySend = fresh(builtins(), afterCall).filter((m) => ["http", "crypto"].includes(m));
    report.realWhatwgUrl = typeof whatwg.parseURL === "function" && typeof whatwg.URL === "function";
    console.log(JSON.stringify(report));
  });
}
`;

describe("the runtime's load cost", () => {
  let dir;
  let server;

  before(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), "att-reliability-load-"));
    writeFileSync(join(dir, "probe.cjs"), PROBE);
    server = await startFaultServer();
  });

  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function probe(env) {
    const childEnv = { PATH: process.env.PATH, HOME: join(dir, "home"), ...env };
    childEnv.XDG_CONFIG_HOME = join(dir, "config");
    childEnv.XDG_STATE_HOME = join(dir, "state");
    childEnv.ACCESS_TELEMETRY_SERVER_URL = server.url;
    // node-fetch resolves from the package's own node_modules, as in an install.
    return runBounded([join(dir, "probe.cjs"), ENTRY], {
      cwd: dir,
      env: childEnv,
      timeoutMs: 15_000,
    }).then((result) => {
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    });
  }

  test("loading reads only the stored choice and loads no crypto, HTTP, socket or os module", async () => {
    const seen = await probe({});
    for (const name of EAGER_FORBIDDEN) assert.ok(!seen.atLoad.includes(name), `${name} at load`);
    const outsideModules = seen.touchedAtLoad.filter((path) => !path.startsWith(packageRoot));
    assert.deepEqual(outsideModules, [join(dir, "config", "access-ts-telemetry", "consent.json")]);
  });

  test("opted out, loading reads no file at all", async () => {
    const seen = await probe({ DO_NOT_TRACK: "1" });
    assert.deepEqual(
      seen.touchedAtLoad.filter((path) => !path.startsWith(packageRoot)),
      [],
    );
  });

  test("a tracked call loads nothing; the first send loads the transport", async () => {
    const seen = await probe({ SEND: "1" });
    assert.deepEqual(seen.byCall, []);
    assert.equal(seen.drained, true);
    assert.equal(seen.sent, 1);
    assert.deepEqual(seen.bySend.sort(), ["crypto", "http"]);
  });

  test("after node-fetch loaded, whatwg-url is the real module for anyone who asks", async () => {
    const seen = await probe({ SEND: "1" });
    assert.equal(seen.realWhatwgUrl, true);
  });
});

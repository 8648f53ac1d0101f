// The runtime API in this process: errors and their messages, validation, singletons,
// registers, session id, the production switch, server URL warnings, headers, flush().
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startCollector } from "./helpers/runtime-server.mjs";
import { packageRoot, requireBuild } from "./helpers/runtime-child.mjs";

const configHome = mkdtempSync(join(tmpdir(), "att-runtime-api-"));
for (const name of ["DO_NOT_TRACK", "ACCESS_TELEMETRY_DISABLED", "ACCESS_TELEMETRY_SERVER_URL"]) {
  delete process.env[name];
}
process.env.XDG_CONFIG_HOME = configHome;
requireBuild();
const t = await import(pathToFileURL(join(packageRoot, "dist", "esm", "runtime", "index.js")).href);

const PRODUCTION = "https://reporting.access-nri-store.cloud.edu.au/api/";
const STAGING = "https://reporting-dev.access-nri-store.cloud.edu.au/api/";

/** Runs fn and returns the warnings (code, message) it emitted. */
async function warningsOf(fn) {
  const seen = [];
  const listener = (warning) => seen.push({ code: warning.code, message: warning.message });
  process.on("warning", listener);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listener);
  }
  return seen;
}

let collector;
before(async () => {
  collector = await startCollector();
  new t.ApiHandler().setServerUrl(collector.url, { warn: false });
});
after(async () => {
  await collector.close();
  rmSync(configHome, { recursive: true, force: true });
});

describe("UnknownServiceError", () => {
  const handler = new t.ApiHandler();
  const calls = {
    addExtraFields: () => handler.addExtraFields("mypackge_run", { a: 1 }),
    removeFields: () => handler.removeFields("mypackge_run", "name"),
    setHeaders: () => handler.setHeaders(["mypackage_run", "mypackge_run"], { "X-A": "1" }),
    clearHeaders: () => handler.clearHeaders("mypackge_run"),
    sendApiRequest: () => handler.sendApiRequest("mypackge_run", "Experiment.run", [], {}),
    TelemetryRegister: () => new t.TelemetryRegister("mypackge_run"),
    registerFunc: () => t.registerFunc("mypackge_run"),
  };

  for (const [name, call] of Object.entries(calls)) {
    test(`${name} with an unknown service names the close match`, () => {
      assert.throws(call, (error) => {
        assert.ok(error instanceof t.UnknownServiceError);
        assert.ok(error instanceof Error);
        assert.equal(error.name, "UnknownServiceError");
        assert.equal(error.service, "mypackge_run");
        assert.deepEqual(error.suggestions, ["mypackage_run"]);
        assert.match(
          error.message,
          /^unknown service "mypackge_run"; did you mean "mypackage_run"\?/,
        );
        assert.match(error.message, /config\.yaml/);
        assert.match(error.message, /every file that imports access-ts-telemetry/);
        return true;
      });
    });
  }

  test("a name close to nothing gets no suggestion", () => {
    assert.throws(
      () => handler.addExtraFields("zzzzzzzzzzzz", {}),
      (error) =>
        error.suggestions.length === 0 && /^unknown service "zzzzzzzzzzzz"\. /.test(error.message),
    );
  });

  test("a failed setHeaders changes nothing", () => {
    assert.deepEqual(handler.headers.mypackage_run, {});
  });
});

describe("validation", () => {
  const handler = new t.ApiHandler();

  test("requestTimeoutMs: -1, 0, NaN, Infinity are RangeErrors; '1' and true TypeErrors", () => {
    for (const value of [-1, 0, NaN, Infinity]) {
      assert.throws(() => (handler.requestTimeoutMs = value), RangeError, String(value));
    }
    assert.throws(() => (handler.requestTimeoutMs = "1"), {
      name: "TypeError",
      message: /requestTimeoutMs must be a finite number > 0 or null, got the string "1"/,
    });
    assert.throws(() => (handler.requestTimeoutMs = true), TypeError);
    assert.equal(handler.requestTimeoutMs, 5000);
  });

  test("requestTimeoutMs accepts a positive number and null", () => {
    handler.requestTimeoutMs = 250;
    assert.equal(handler.requestTimeoutMs, 250);
    handler.requestTimeoutMs = null;
    assert.equal(handler.requestTimeoutMs, null);
    handler.requestTimeoutMs = 5000;
  });

  test("production = 1 is a TypeError and changes nothing", () => {
    const toggle = new t.ProductionToggle();
    assert.throws(() => (toggle.production = 1), {
      name: "TypeError",
      message: "production must be true or false, got number 1",
    });
    assert.equal(toggle.production, true);
  });

  test("headers: invalid names and values are TypeErrors that do not show the value", () => {
    assert.throws(() => handler.setHeaders(null, { "Bad Name": "v" }), TypeError);
    assert.throws(
      () => handler.setHeaders("mypackage_run", { Authorization: "secret\r\ninjected" }),
      (error) => error instanceof TypeError && !error.message.includes("secret"),
    );
    assert.throws(() => handler.setHeaders(null, { "content-type": "text/plain" }), /Content-Type/);
    assert.throws(() => handler.setHeaders(null, { "X-N": 5 }), TypeError);
  });

  test("extra fields: not an object is a TypeError, too large a RangeError", () => {
    assert.throws(() => handler.addExtraFields("mypackage_results", "x"), TypeError);
    assert.throws(() => handler.addExtraFields("mypackage_results", [1]), TypeError);
    const big = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`k${i}`, "x".repeat(900)]),
    );
    assert.throws(() => handler.addExtraFields("mypackage_results", big), RangeError);
    assert.deepEqual(handler.extraFields.mypackage_results, {});
  });

  test("serverUrl must be an absolute http(s) URL", () => {
    assert.throws(() => (handler.serverUrl = "not a url"), TypeError);
    assert.throws(() => (handler.serverUrl = "ftp://example.org/api/"), TypeError);
    assert.equal(handler.serverUrl, collector.url);
  });
});

describe("singletons and registers", () => {
  test("new ApiHandler() and new ProductionToggle() always return the same instance", () => {
    assert.equal(new t.ApiHandler(), new t.ApiHandler());
    assert.equal(new t.ProductionToggle(), new t.ProductionToggle());
    assert.ok(new t.ApiHandler() instanceof t.ApiHandler);
  });

  test("session id: 64 hex characters, the same from sessionId() and SessionID", () => {
    assert.match(t.sessionId(), /^[0-9a-f]{64}$/);
    const id = new t.SessionID();
    assert.equal(id, new t.SessionID());
    assert.equal(String(id), t.sessionId());
    assert.equal(`${id}`, t.sessionId());
    assert.equal(id.value, t.sessionId());
    assert.equal(JSON.stringify({ id }), JSON.stringify({ id: t.sessionId() }));
  });

  test("a register is seeded from the registry, one instance per service", () => {
    const register = new t.TelemetryRegister("intake_catalog");
    assert.equal(register, new t.TelemetryRegister("intake_catalog"));
    assert.ok(register.has("esm_datastore.search"));
    assert.ok([...register].includes("DfFileCatalog.to_source"));
    assert.equal(register.size, 12);
  });

  test("register and deregister by name or by function; toString lists the names", () => {
    const register = new t.TelemetryRegister("intake_cli");
    function extra_command() {}
    register.register(extra_command, "other_command");
    assert.ok(register.has("extra_command") && register.has(extra_command));
    assert.deepEqual(
      [...register],
      ["metadata_validate", "metadata_template", "extra_command", "other_command"],
    );
    register.deregister("metadata_template", extra_command);
    assert.equal(
      register.toString(),
      "TelemetryRegister(intake_cli) [metadata_validate, other_command]",
    );
    assert.throws(() => register.register(() => {}), TypeError);
  });

  test("a deregistered name is not brought back by a later declaration", () => {
    const register = new t.TelemetryRegister("intake_cli");
    t.declareServices({
      intake_cli: { endpoint: "intake/cli", functions: ["metadata_template", "new_one"] },
    });
    assert.equal(register.has("metadata_template"), false);
    assert.equal(register.has("new_one"), true);
  });

  test("declareServices never throws, even on nonsense", () => {
    assert.doesNotThrow(() => t.declareServices(null));
    assert.doesNotThrow(() => t.declareServices({ x: { endpoint: 3 } }));
    assert.throws(() => new t.TelemetryRegister("x"), t.UnknownServiceError);
  });
});

describe("production and staging", () => {
  const handler = new t.ApiHandler();
  const toggle = new t.ProductionToggle();

  after(() => {
    toggle.production = true;
    handler.setServerUrl(collector.url, { warn: false });
  });

  test("switching moves serverUrl between the reporting servers, without warnings", async () => {
    const warnings = await warningsOf(() => {
      toggle.production = false;
      assert.equal(handler.serverUrl, STAGING);
      toggle.production = true;
      assert.equal(handler.serverUrl, PRODUCTION);
    });
    assert.deepEqual(warnings, []);
  });

  test("a serverUrl that is not the reporting server's warns, unless told not to", async () => {
    const local = await warningsOf(() => (handler.serverUrl = "http://127.0.0.1:9/collector/"));
    assert.deepEqual(
      local.map((w) => w.code),
      ["ATT_SERVER_URL", "ATT_SERVER_URL"],
    );
    assert.match(local[0].message, /is not a reporting server URL/);
    assert.match(local[1].message, /does not end in "api" or "api\/"/);
    const path = await warningsOf(
      () => (handler.serverUrl = "https://reporting.access-nri-store.cloud.edu.au/v2"),
    );
    assert.deepEqual(path.length, 1);
    assert.match(path[0].message, /does not end in "api"/);
    const quiet = await warningsOf(() =>
      handler.setServerUrl("http://127.0.0.1:9/x", { warn: false }),
    );
    assert.deepEqual(quiet, []);
    assert.deepEqual(await warningsOf(() => (handler.serverUrl = STAGING)), []);
  });

  test("production swallows an internal error and counts it; staging throws it", () => {
    const errors = handler.counters.errors;
    assert.doesNotThrow(() => t.trackCall("no_such_service", "f", [], {}));
    assert.equal(handler.counters.errors, errors + 1);
    toggle.production = false;
    assert.throws(() => t.trackCall("no_such_service", "f", [], {}), t.UnknownServiceError);
    assert.equal(handler.counters.errors, errors + 2);
    toggle.production = true;
  });
});

describe("headers, fields and flush", () => {
  const handler = new t.ApiHandler();

  test("views are read-only copies", () => {
    handler.addExtraFields("mypackage_results", { a: 1 });
    const view = handler.extraFields;
    assert.ok(Object.isFrozen(view));
    view.mypackage_results.a = 2;
    assert.deepEqual(handler.extraFields.mypackage_results, { a: 1 });
    handler.removeFields("mypackage_results", ["b", "c"]);
    handler.removeFields("mypackage_results", "b");
    assert.deepEqual(handler.popFields.mypackage_results, ["b", "c"]);
  });

  test("setHeaders merges; clearHeaders(service) clears its own; clearHeaders() clears all", () => {
    handler.setHeaders(null, { "X-All": "1" });
    handler.setHeaders(["mypackage_run", "mypackage_results"], { "X-A": "a" });
    handler.setHeaders("mypackage_run", { "X-B": "b" });
    assert.deepEqual(handler.headers.mypackage_run, { "X-All": "1", "X-A": "a", "X-B": "b" });
    handler.clearHeaders("mypackage_run");
    assert.deepEqual(handler.headers.mypackage_run, { "X-All": "1" });
    assert.deepEqual(handler.headers.mypackage_results, { "X-All": "1", "X-A": "a" });
    handler.clearHeaders();
    assert.deepEqual(handler.headers.mypackage_results, {});
    assert.deepEqual(handler.headers.intake_cli, {});
  });

  test("flush() resolves true when idle, twice, and after delivering what is queued", async () => {
    assert.equal(await handler.flush(), true);
    assert.equal(await handler.flush(), true);
    const sent = handler.counters.sent;
    handler.sendApiRequest("mypackage_results", "Results.save", ["a"], { b: 2 });
    handler.sendApiRequest("mypackage_results", "Results.export", [], {});
    assert.equal(handler.counters.queued, 2);
    const both = await Promise.all([handler.flush(2_000), handler.flush(2_000)]);
    assert.deepEqual(both, [true, true], JSON.stringify([handler.counters, handler.serverUrl]));
    assert.equal(handler.counters.sent, sent + 2);
    assert.equal(handler.counters.queued + handler.counters.inFlight, 0);
    const received = await collector.waitFor(2);
    assert.deepEqual(
      received.slice(-2).map((r) => [r.body.function, r.body.args, r.body.kwargs, r.body.a]),
      [
        ["Results.save", ["a"], { b: 2 }, 1],
        ["Results.export", [], {}, 1],
      ],
    );
  });

  test("flush(timeoutMs) validates its bound", () => {
    assert.throws(() => handler.flush(-5), RangeError);
    assert.throws(() => handler.flush("5"), TypeError);
  });

  test("sendApiRequest checks its arguments", () => {
    assert.throws(() => handler.sendApiRequest("mypackage_run", "", [], {}), TypeError);
    assert.throws(() => handler.sendApiRequest("mypackage_run", "f", "args", {}), TypeError);
    assert.throws(() => handler.sendApiRequest("mypackage_run", "f", [], null), TypeError);
  });
});

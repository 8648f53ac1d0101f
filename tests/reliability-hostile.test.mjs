// Hostile input, through the fixture built with tspc: arguments that JSON cannot carry or
// that fight back leave the host's outcomes exactly as the plain build gives them, and every
// request body stays within the record bound; bad API use gets an error that names the
// problem.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DELIVER, TOKEN, buildApp } from "./helpers/reliability-app.mjs";
import { startFaultServer } from "./helpers/reliability-server.mjs";

const MAX_RECORD_BYTES = 65_536;
/** 14 hostile values, each passed to describe() and to serialise(). */
const RECORDS = 28;

const MISUSE = `
const t = require("access-ts-telemetry");
const handler = new t.ApiHandler();
const toggle = new t.ProductionToggle();
const cases = {
  "unknown service": () => handler.addExtraFields("mypackage_rn", { a: 1 }),
  "unknown service in setHeaders": () => handler.setHeaders(["mypackage_run", "nope"], { A: "b" }),
  "unknown service in a register": () => new t.TelemetryRegister("intake_catalgo"),
  "unknown service in registerFunc": () => t.registerFunc("no_such_service"),
  "fields not an object": () => handler.addExtraFields("mypackage_run", "team"),
  "field names not strings": () => handler.removeFields("mypackage_run", [1]),
  "bad header name": () => handler.setHeaders(null, { "Bad Name": "x" }),
  "header value not a string": () => handler.setHeaders(null, { "X-Key": 5 }),
  "header value with a newline": () => handler.setHeaders(null, { Authorization: "Bearer " + process.env.ATT_TOKEN + "\\r\\nX: y" }),
  "negative timeout": () => (handler.requestTimeoutMs = -5),
  "zero timeout": () => (handler.requestTimeoutMs = 0),
  "timeout not a number": () => (handler.requestTimeoutMs = "5000"),
  "infinite timeout": () => (handler.requestTimeoutMs = Infinity),
  "negative exit grace": () => (handler.exitGraceMs = -1),
  "flush bound negative": () => handler.flush(-1),
  "production not a boolean": () => (toggle.production = "yes"),
  "production a number": () => (toggle.production = 1),
  "server URL not http": () => (handler.serverUrl = "ftp://example.org/api/"),
  "server URL not a URL": () => (handler.serverUrl = "reporting server"),
  "function name empty": () => handler.sendApiRequest("mypackage_run", "", [], {}),
  "args not an array": () => handler.sendApiRequest("mypackage_run", "Experiment.run", "a", {}),
  "registerFunc on a number": () => t.registerFunc("mypackage_run")(42),
};
const seen = {};
for (const [name, misuse] of Object.entries(cases)) {
  try {
    misuse();
    seen[name] = null;
  } catch (error) {
    seen[name] = { name: error.name, message: error.message };
  }
}
seen.stillUsable = { timeout: handler.requestTimeoutMs, production: toggle.production };
console.log(JSON.stringify(seen));
`;

describe("hostile input", () => {
  let app;
  let server;
  let plain;
  let instrumented;
  let staging;
  let bodies;

  before(async () => {
    app = buildApp();
    server = await startFaultServer();
    plain = await app.run("dist-plain", ["hostile"], {
      home: app.newHome(),
      serverUrl: server.url,
    });
    instrumented = await app.run("dist", ["hostile"], {
      home: app.newHome(),
      serverUrl: server.url,
      env: DELIVER,
    });
    bodies = server.requests.map((request) => request.body);
    staging = await app.run("dist", ["hostile"], {
      home: app.newHome(),
      serverUrl: server.url,
      env: { ATT_STAGING: "1", ...DELIVER },
    });
  });

  after(async () => {
    await server?.close();
    app?.cleanup();
  });

  test("the host prints, returns and throws exactly what the plain build does", () => {
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^cycle threw TypeError: Converting circular structure to JSON/m);
    assert.match(plain.stdout, /^proxy threw Error: trap get$/m);
    for (const run of [instrumented, staging]) {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, plain.stdout);
      assert.equal(run.stderr, "");
      assert.equal(run.report.counters.errors, 0);
      assert.equal(run.report.counters.sent, RECORDS);
    }
  });

  test("every request body is JSON within the record bound", () => {
    const sizes = server.requests.map((request) => request.bytes);
    assert.equal(sizes.length, 2 * RECORDS);
    for (const request of server.requests) {
      assert.ok(
        request.bytes <= MAX_RECORD_BYTES,
        `${request.body?.kwargs?.label}: ${request.bytes}`,
      );
      assert.notEqual(request.body, undefined, request.text.slice(0, 200));
    }
  });

  test("each value arrives as a readable placeholder or truncated copy", () => {
    const value = (label) => bodies.find((body) => body.kwargs.label === label).kwargs.value;
    assert.deepEqual(value("cycle"), { name: "root", list: ["[Circular]"], self: "[Circular]" });
    assert.equal(value("bigint"), "[BigInt 12]");
    assert.deepEqual(value("bigint-in-object"), { big: "[BigInt 1180591620717411303424]" });
    assert.equal(value("symbol"), "[Symbol tag]");
    assert.equal(value("function"), "[Function run]");
    assert.deepEqual(value("throwing-getter"), {
      ok: 1,
      broken: "[Unreadable: Error: getter says no]",
    });
    assert.equal(value("throwing-toJSON"), "[Unreadable: toJSON threw RangeError: toJSON says no]");
    assert.equal(value("proxy"), "[Unreadable: Error: trap getPrototypeOf]");
    assert.equal(value("string-10MB"), `${"x".repeat(1000)}…[Truncated: 10485760 chars]`);
    const list = value("array-1M");
    assert.equal(list.length, 101);
    assert.equal(list[100], "[Truncated: 1000000 items]");
    assert.equal(value("buffer"), "[Buffer 12 bytes]");
    let level = value("nested-10000");
    let depth = 1;
    while (typeof level === "object") {
      level = level.down;
      depth += 1;
    }
    assert.equal(level, "[Truncated: nested deeper than 8]");
    assert.equal(depth, 8);
    assert.equal(value("url"), "https://att-decoy.invalid/api/");
  });

  test("bad API use throws an error that names the problem", async () => {
    writeFileSync(join(app.dir, "misuse.cjs"), MISUSE);
    const run = await app.runFile("misuse.cjs", [], { home: app.newHome() });
    assert.equal(run.code, 0, run.stderr);
    const seen = JSON.parse(run.stdout);
    const expect = {
      "unknown service": [
        "UnknownServiceError",
        /^unknown service "mypackage_rn"; did you mean "mypackage_run"\?/,
      ],
      "unknown service in setHeaders": ["UnknownServiceError", /^unknown service "nope"/],
      "unknown service in a register": [
        "UnknownServiceError",
        /^unknown service "intake_catalgo"; did you mean "intake_catalog"\?/,
      ],
      "unknown service in registerFunc": [
        "UnknownServiceError",
        /^unknown service "no_such_service"/,
      ],
      "fields not an object": [
        "TypeError",
        /^addExtraFields\("mypackage_run"\): fields must be an object/,
      ],
      "field names not strings": ["TypeError", /expected a field name or a list of names/],
      "bad header name": ["TypeError", /^setHeaders: "Bad Name" is not a valid header name$/],
      "header value not a string": ["TypeError", /the value of header "X-Key" must be a string/],
      "header value with a newline": [
        "TypeError",
        /the value of header "Authorization" must be a string without control characters$/,
      ],
      "negative timeout": ["RangeError", /^requestTimeoutMs must be a finite number > 0, got -5$/],
      "zero timeout": ["RangeError", /^requestTimeoutMs must be a finite number > 0, got 0$/],
      "timeout not a number": [
        "TypeError",
        /^requestTimeoutMs must be a finite number > 0 or null, got the string "5000"$/,
      ],
      "infinite timeout": ["RangeError", /got Infinity$/],
      "negative exit grace": ["RangeError", /^exitGraceMs must be a finite number >= 0, got -1$/],
      "flush bound negative": [
        "RangeError",
        /^flush timeoutMs must be a finite number >= 0, got -1$/,
      ],
      "production not a boolean": [
        "TypeError",
        /^production must be true or false, got the string "yes"$/,
      ],
      "production a number": ["TypeError", /^production must be true or false, got number 1$/],
      "server URL not http": [
        "TypeError",
        /^serverUrl: expected an http:\/\/ or https:\/\/ URL, got ftp:$/,
      ],
      "server URL not a URL": [
        "TypeError",
        /^serverUrl: expected an absolute http:\/\/ or https:\/\/ URL$/,
      ],
      "function name empty": ["TypeError", /functionName must be a non-empty string/],
      "args not an array": ["TypeError", /args must be an array/],
      "registerFunc on a number": [
        "TypeError",
        /^registerFunc\("mypackage_run"\): expected a function/,
      ],
    };
    for (const [name, [errorName, message]] of Object.entries(expect)) {
      assert.ok(seen[name], `${name}: nothing was thrown`);
      assert.equal(seen[name].name, errorName, name);
      assert.match(seen[name].message, message, name);
    }
    assert.deepEqual(Object.keys(seen).sort(), [...Object.keys(expect), "stillUsable"].sort());
    assert.deepEqual(seen.stillUsable, { timeout: 5000, production: true });
    assert.ok(!run.stdout.includes(TOKEN), "a header value is never quoted back");
  });
});

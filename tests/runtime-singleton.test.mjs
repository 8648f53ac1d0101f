// One state per process: the CJS and ESM entry points of one install, and two installed
// copies of the package, all share the handler, registers, session id, toggle and gate.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startCollector } from "./helpers/runtime-server.mjs";
import { lastJson, makeProject } from "./helpers/runtime-child.mjs";

const DUAL_ENTRY = `
import { createRequire } from "node:module";
import * as esm from "access-ts-telemetry";
const cjs = createRequire(import.meta.url)("access-ts-telemetry");

esm.declareServices({ pkg_esm: { endpoint: "pkg/esm", functions: ["fromEsm"] } }, { configVersion: "3" });
const handlerCjs = new cjs.ApiHandler();
handlerCjs.addExtraFields("pkg_esm", { via: "cjs" });
handlerCjs.setHeaders("pkg_esm", { "X-Token": "t" });
new esm.ApiHandler().addExtraFields("pkg_esm", { also: "esm" });
new cjs.ProductionToggle().production = true;

let caught;
try {
  new cjs.ApiHandler().removeFields("pkg_esn", "name");
} catch (error) {
  caught = error;
}
cjs.trackCall("pkg_esm", "fromEsm", [], { x: 1 });

console.log(JSON.stringify({
  sameFunctions: esm.ApiHandler === cjs.ApiHandler && esm.trackCall === cjs.trackCall,
  sameHandler: new esm.ApiHandler() === handlerCjs,
  sameToggle: new esm.ProductionToggle() === new cjs.ProductionToggle(),
  sameRegister: new esm.TelemetryRegister("pkg_esm") === new cjs.TelemetryRegister("pkg_esm"),
  sameGate: esm.telemetryGate === cjs.telemetryGate,
  session: [esm.sessionId(), cjs.sessionId(), String(new cjs.SessionID())],
  extras: new esm.ApiHandler().extraFields.pkg_esm,
  headers: new esm.ApiHandler().headers.pkg_esm,
  errorIsEsmClass: caught instanceof esm.UnknownServiceError,
  suggestion: caught.suggestions,
  queuedSeenByEsm: new esm.ApiHandler().counters.queued,
}));
`;

const TWO_COPIES = `
const a = require("./a/node_modules/access-ts-telemetry");
const b = require("./b/node_modules/access-ts-telemetry");
const stateKey = Symbol.for("access-ts-telemetry.state.v1");

a.declareServices({ pkg_two: { endpoint: "pkg/two", functions: ["Two.run"] } }, { configVersion: "2.0" });
new b.ApiHandler().addExtraFields("pkg_two", { from: "b" });
new a.ApiHandler().addExtraFields("pkg_two", { and: "a" });
new a.ApiHandler().setHeaders(null, { "X-Shared": "yes" });
new b.TelemetryRegister("pkg_two").register("Two.extra");
b.trackCall("pkg_two", "Two.run", [], { n: 1 });
a.trackCall("pkg_two", "Two.extra", [], { n: 2 });

import("./b/node_modules/access-ts-telemetry/dist/esm/runtime/index.js").then((bEsm) => {
  console.log(JSON.stringify({
    distinctModules: a.ApiHandler !== b.ApiHandler,
    sameHandler: new a.ApiHandler() === new b.ApiHandler() && new bEsm.ApiHandler() === new a.ApiHandler(),
    handlerInstanceofB: new a.ApiHandler() instanceof b.ApiHandler,
    sameToggle: new a.ProductionToggle() === new b.ProductionToggle(),
    sameRegister: new a.TelemetryRegister("pkg_two") === new b.TelemetryRegister("pkg_two"),
    registerHasExtra: new a.TelemetryRegister("pkg_two").has("Two.extra"),
    sameGate: a.telemetryGate === b.telemetryGate,
    sameSession: a.sessionId() === b.sessionId() && new a.SessionID() === new b.SessionID(),
    stateIsOne: typeof globalThis[stateKey] === "object",
    pending: (({ queued, inFlight, sent }) => queued + inFlight + sent)(new a.ApiHandler().counters),
    crossError: (() => { try { new b.ApiHandler().addExtraFields("nope", {}); } catch (e) { return e instanceof a.UnknownServiceError; } })(),
    session: a.sessionId(),
  }));
});
`;

describe("one instance per process", () => {
  let collector;
  let project;

  before(async () => {
    collector = await startCollector();
    project = makeProject({ copies: [".", "a", "b"] });
    project.write({ "dual.mjs": DUAL_ENTRY, "two.cjs": TWO_COPIES });
  });

  after(async () => {
    await collector?.close();
    project?.cleanup();
  });

  test("the CJS require and the ESM import share everything", async () => {
    const result = await project.run("dual.mjs", {
      env: { ACCESS_TELEMETRY_SERVER_URL: collector.url },
    });
    assert.equal(result.code, 0, result.stderr);
    const seen = lastJson(result);
    assert.equal(seen.sameFunctions, true);
    assert.equal(seen.sameHandler, true);
    assert.equal(seen.sameToggle, true);
    assert.equal(seen.sameRegister, true);
    assert.equal(seen.sameGate, true);
    assert.equal(new Set(seen.session).size, 1);
    assert.deepEqual(seen.extras, { via: "cjs", also: "esm" });
    assert.deepEqual(seen.headers, { "X-Token": "t" });
    assert.equal(seen.errorIsEsmClass, true);
    assert.deepEqual(seen.suggestion, ["pkg_esm"]);
    assert.equal(seen.queuedSeenByEsm, 1);

    const [record] = await collector.waitFor(1);
    assert.equal(record.url, "/api/pkg/esm/");
    assert.equal(record.headers["x-token"], "t");
    assert.equal(record.body.config_version, "3");
    assert.equal(record.body.session_id, seen.session[0]);
    assert.equal(record.body.via, "cjs");
    assert.equal(record.body.also, "esm");
  });

  test("two installed copies share one state; records go out once", async () => {
    const before = collector.requests.length;
    const result = await project.run("two.cjs", {
      env: { ACCESS_TELEMETRY_SERVER_URL: collector.url },
    });
    assert.equal(result.code, 0, result.stderr);
    const seen = lastJson(result);
    for (const key of [
      "distinctModules",
      "sameHandler",
      "handlerInstanceofB",
      "sameToggle",
      "sameRegister",
      "registerHasExtra",
      "sameGate",
      "sameSession",
      "stateIsOne",
      "crossError",
    ]) {
      assert.equal(seen[key], true, key);
    }
    assert.equal(seen.pending, 2);

    const received = (await collector.waitFor(before + 2)).slice(before);
    assert.equal(received.length, 2);
    assert.deepEqual(received.map((r) => r.body.function).sort(), ["Two.extra", "Two.run"]);
    for (const record of received) {
      assert.equal(record.url, "/api/pkg/two/");
      assert.equal(record.headers["x-shared"], "yes");
      assert.equal(record.body.from, "b");
      assert.equal(record.body.and, "a");
      assert.equal(record.body.config_version, "2.0");
      assert.equal(record.body.session_id, seen.session);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(collector.requests.length, before + 2);
  });
});

// A flood of calls past both the queue and the spool's waiting list: in production such calls
// are counted without building their records, and the counts are those the full path gives
// (which staging still takes, to report the first drops with their record).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { lastJson, makeProject } from "./helpers/runtime-child.mjs";

const FLOOD = `
const t = require("access-ts-telemetry");
t.declareServices({ flood_svc: { endpoint: "flood/svc", functions: ["call"] } });
const handler = new t.ApiHandler();
if (process.env.STAGING === "1") {
  new t.ProductionToggle().production = false;
  handler.setServerUrl(process.env.ACCESS_TELEMETRY_SERVER_URL, { warn: false });
  process.on("warning", () => {});
}
let getterReads = 0;
for (let i = 0; i < 2_500; i++) {
  const argument = { get value() { getterReads += 1; return i; } };
  t.trackCall("flood_svc", "call", [], { i, argument });
}
const { queued, dropped, droppedByReason, lost, lostByReason } = handler.counters;
console.log(JSON.stringify({ queued, dropped, droppedByReason, lost, lostByReason, getterReads,
  last: handler.lastRecord.kwargs.i }));
process.exit(0);
`;

let project;

before(() => {
  project = makeProject();
  project.write({ "flood.cjs": FLOOD });
});

after(() => project?.cleanup());

for (const staging of [false, true]) {
  test(`${staging ? "staging" : "production"}: 2,500 calls fill the queue, then the spool's waiting list, then are lost and counted`, async () => {
    const result = await project.run("flood.cjs", {
      env: { ACCESS_TELEMETRY_SERVER_URL: "http://127.0.0.1:9/api/", STAGING: staging ? "1" : "0" },
    });
    assert.equal(result.code, 0, result.stderr);
    const report = lastJson(result);
    assert.deepEqual(
      { ...report, getterReads: undefined },
      {
        queued: 1_000,
        dropped: 1_500,
        droppedByReason: { "queue-full": 1_500 },
        lost: 500,
        lostByReason: { "spool-full": 500 },
        getterReads: undefined,
        last: staging ? 2_499 : 1_999,
      },
    );
    // Production builds (and so reads the getter of) only the records it can keep.
    assert.equal(report.getterReads, staging ? 2_500 : 2_000);
  });
}

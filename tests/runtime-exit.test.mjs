// Programs that simply end: a healthy server gets every record without flush(); a hanging,
// refusing or failing server changes neither the program's output nor its exit beyond the
// grace period.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closedPort, startCollector } from "./helpers/runtime-server.mjs";
import { makeProject } from "./helpers/runtime-child.mjs";
import { makeCertificate } from "./helpers/runtime-tls.mjs";

// Generous bound for "exits within the grace period", so that a loaded CI machine does not
// fail it: a healthy run takes about 230 ms, most of it node's own start-up.
const EXIT_BOUND_MS = 2_500;

const WORK = `
let total = 0;
for (let i = 0; i < 12; i++) {
  total += experimentRun("config-" + i, i);
}
console.log("total", total);
`;

const PLAIN = `
function experimentRun(config, size) { return config.length + size; }
${WORK}`;

const TRACKED_CJS = `
const access_telemetry_1 = require("access-ts-telemetry");
access_telemetry_1.declareServices(
  { mypackage_run: { endpoint: "mypackage/run", functions: ["Experiment.run"] } },
  { configVersion: "1.2" },
);
process.on("exit", () => {
  process.stderr.write("COUNTERS " + JSON.stringify(new access_telemetry_1.ApiHandler().counters) + "\\n");
});
function experimentRun(config, size) {
  if (access_telemetry_1.telemetryGate.enabled)
    access_telemetry_1.trackCall("mypackage_run", "Experiment.run", [], { config, size });
  return config.length + size;
}
${WORK}`;

const TRACKED_ESM = `
import * as access_telemetry_1 from "access-ts-telemetry";
access_telemetry_1.declareServices(
  { mypackage_run: { endpoint: "mypackage/run", functions: ["Experiment.run"] } },
  { configVersion: "1.2" },
);
function experimentRun(config, size) {
  if (access_telemetry_1.telemetryGate.enabled)
    access_telemetry_1.trackCall("mypackage_run", "Experiment.run", [], { config, size });
  return config.length + size;
}
${WORK}`;

function counters(result) {
  const line = result.stderr.split("\n").find((l) => l.startsWith("COUNTERS "));
  assert.ok(line, `no counters in stderr: ${result.stderr}`);
  return JSON.parse(line.slice("COUNTERS ".length));
}

describe("exit", () => {
  let project;
  let plain;
  const walls = {};

  before(async () => {
    project = makeProject();
    project.write({
      "plain.cjs": PLAIN,
      "tracked.cjs": TRACKED_CJS,
      "tracked.mjs": TRACKED_ESM,
      "explicit-exit.cjs": `${TRACKED_CJS}\nprocess.exit(3);\n`,
    });
    plain = await project.run("plain.cjs");
    assert.equal(plain.code, 0);
    walls.plain = plain.wallMs;
  });

  after(() => {
    project?.cleanup();
    const figures = Object.entries(walls).map(([k, v]) => `${k} ${Math.round(v)} ms`);
    process.stdout.write(`# exit wall times: ${figures.join(", ")}\n`);
  });

  for (const script of ["tracked.cjs", "tracked.mjs"]) {
    test(`${script}: a dozen calls and a natural end deliver all 12 records`, async () => {
      const collector = await startCollector();
      try {
        const result = await project.run(script, {
          env: { ACCESS_TELEMETRY_SERVER_URL: collector.url },
        });
        walls[`healthy ${script}`] = result.wallMs;
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, plain.stdout);
        const received = await collector.waitFor(12, 2_000);
        assert.equal(received.length, 12);
        assert.deepEqual(
          received.map((r) => r.body.kwargs.config).sort(),
          Array.from({ length: 12 }, (_, i) => `config-${i}`).sort(),
        );
        if (script.endsWith(".cjs")) {
          const seen = counters(result);
          assert.equal(seen.sent, 12);
          assert.equal(seen.dropped, 0);
          assert.ok(seen.maxInFlightSeen <= 8, `maxInFlightSeen ${seen.maxInFlightSeen}`);
        }
      } finally {
        await collector.close();
      }
    });
  }

  test("over HTTPS (new TLS connections at exit) all 12 records are delivered too", async (t) => {
    const certificate = makeCertificate();
    if (certificate === undefined) {
      t.skip("openssl is not available to make a test certificate");
      return;
    }
    const collector = await startCollector({ tls: certificate });
    try {
      const result = await project.run("tracked.cjs", {
        env: {
          ACCESS_TELEMETRY_SERVER_URL: collector.url,
          NODE_EXTRA_CA_CERTS: certificate.certFile,
        },
      });
      walls.https = result.wallMs;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, plain.stdout);
      assert.equal(counters(result).sent, 12);
      assert.equal((await collector.waitFor(12, 2_000)).length, 12);
    } finally {
      await collector.close();
      certificate.cleanup();
    }
  });

  const unhealthy = {
    hanging: async () => startCollector({ mode: "hang" }),
    "answering 500": async () => startCollector({ mode: 500 }),
    "answering 403": async () => startCollector({ mode: 403 }),
    refusing: async () => {
      const port = await closedPort();
      return { url: `http://127.0.0.1:${port}/api/`, close: async () => {}, requests: [] };
    },
  };

  for (const [label, start] of Object.entries(unhealthy)) {
    test(`server ${label}: same output, exit within the grace period, records counted`, async () => {
      const server = await start();
      try {
        const result = await project.run("tracked.cjs", {
          env: { ACCESS_TELEMETRY_SERVER_URL: server.url },
        });
        walls[label] = result.wallMs;
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, plain.stdout);
        assert.ok(result.wallMs < EXIT_BOUND_MS, `exited after ${Math.round(result.wallMs)} ms`);
        const seen = counters(result);
        assert.equal(seen.sent, 0);
        assert.equal(seen.queued + seen.inFlight, 0);
        assert.equal(seen.failed + seen.dropped, 12, JSON.stringify(seen));
        if (label === "hanging") assert.equal(seen.droppedByReason.exit, 12);
        if (label.startsWith("answering")) {
          const status = label.slice(-3);
          assert.equal(seen.failedByReason[`http-${status}`], seen.failed);
          assert.ok(seen.failed > 0);
        }
        if (label === "refusing") assert.equal(seen.failedByReason.network, seen.failed);
        assert.equal(result.stderr.replace(/^COUNTERS .*\n/m, ""), "");
      } finally {
        await server.close();
      }
    });
  }

  test("process.exit() with records pending: exit code kept, pending counted as dropped", async () => {
    const collector = await startCollector({ mode: "hang" });
    try {
      const result = await project.run("explicit-exit.cjs", {
        env: { ACCESS_TELEMETRY_SERVER_URL: collector.url },
      });
      assert.equal(result.code, 3);
      assert.equal(result.stdout, plain.stdout);
      const seen = counters(result);
      assert.equal(seen.dropped, 12);
      assert.equal(seen.droppedByReason.exit, 12);
    } finally {
      await collector.close();
    }
  });
});

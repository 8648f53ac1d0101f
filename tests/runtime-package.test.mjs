// Acceptance: fixtures/runtime-package (an ESM package) built with the real tspc and the
// transformer, and once without it. The instrumented program delivers every record with the
// right fields, one session id, extras merged from two modules, removed fields and
// per-service headers, without flush(); against a hanging, refusing or failing server it
// prints what the plain build prints and exits less than a second after it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { closedPort, startCollector } from "./helpers/runtime-server.mjs";
import { packageRoot, requireBuild, runNode } from "./helpers/runtime-child.mjs";
import { STANDARD_RECORD_KEYS } from "./helpers/record-keys.mjs";

const fixture = join(packageRoot, "fixtures", "runtime-package");
const tspc = join(packageRoot, "node_modules", "ts-patch", "bin", "tspc.js");

function build(dir, tsconfig) {
  const result = spawnSync(process.execPath, [tspc, "-p", join(dir, tsconfig)], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(result.status, 0, `${tsconfig}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

describe("an instrumented package", () => {
  let dir;
  let plain;
  let buildOutput;
  const walls = {};

  before(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), "att-runtime-package-"));
    cpSync(fixture, dir, {
      recursive: true,
      filter: (source) => !/[\\/](dist|dist-plain|node_modules)$/.test(source),
    });
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(packageRoot, join(dir, "node_modules", "access-ts-telemetry"), "dir");
    mkdirSync(join(dir, "config"));
    buildOutput = build(dir, "tsconfig.json");
    build(dir, "tsconfig.plain.json");
    const port = await closedPort();
    plain = await run("dist-plain/main.js", `http://127.0.0.1:${port}/api/`);
    assert.equal(plain.code, 0, plain.stderr);
    walls.plain = plain.wallMs;
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    const figures = Object.entries(walls).map(([k, v]) => `${k} ${Math.round(v)} ms`);
    process.stdout.write(`# package wall times: ${figures.join(", ")}\n`);
  });

  function run(script, serverUrl) {
    return runNode(dir, script, {
      configHome: join(dir, "config"),
      env: { ACCESS_TELEMETRY_SERVER_URL: serverUrl },
    });
  }

  test("both builds succeed quietly and the plain build runs", () => {
    assert.equal(buildOutput, "");
    assert.equal(plain.stdout.split("\n")[0], "ocean/case-0: 645");
  });

  test("a healthy server receives every record, without flush()", async () => {
    const collector = await startCollector();
    try {
      const result = await run("dist/main.js", collector.url);
      walls.healthy = result.wallMs;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, plain.stdout);
      assert.equal(result.stderr, "");
      const received = await collector.waitFor(7, 2_000);
      assert.equal(received.length, 7);

      const compute = received.filter((r) => r.url === "/api/mypackage/run/");
      const io = received.filter((r) => r.url === "/api/mypackage/results/");
      assert.equal(compute.length, 5);
      assert.equal(io.length, 2);

      const runs = compute.filter((r) => r.body.function === "Model.run");
      assert.deepEqual(
        runs.map((r) => r.body.kwargs).sort((a, b) => a.seed - b.seed),
        [0, 1, 2, 3].map((i) => ({ steps: 10 + i, seed: i, label: `case-${i}` })),
      );
      const [summary] = compute.filter((r) => r.body.function === "summarise");
      assert.deepEqual(summary.body.args, [1, 2, 3, 4]);
      assert.deepEqual(summary.body.kwargs, {});

      for (const record of compute) {
        assert.deepEqual(Object.keys(record.body), [
          ...STANDARD_RECORD_KEYS,
          "team",
          "package_version",
          "run_kind",
        ]);
        assert.equal(record.body.name, userInfo().username);
        assert.equal(record.body.config_version, "0.3.0");
        assert.equal(record.body.team, "modelling");
        assert.equal(record.body.run_kind, "acceptance");
        assert.equal(record.headers["x-compute-key"], "compute-secret");
        assert.equal(record.headers["x-io-key"], undefined);
      }
      for (const record of io) {
        assert.equal(record.body.function, "Store.write");
        assert.equal(record.body.name, undefined);
        assert.equal(record.body.team, "storage");
        assert.equal(record.headers["x-io-key"], "io-secret");
        assert.equal(record.headers["x-compute-key"], undefined);
      }
      assert.deepEqual(
        io.map((r) => r.body.kwargs).sort((a, b) => a.path.localeCompare(b.path)),
        [
          { path: "out/a.json", data: { a: 1, b: 2 } },
          { path: "out/b.json", data: { c: 3 } },
        ],
      );
      const sessions = new Set(received.map((r) => r.body.session_id));
      assert.equal(sessions.size, 1);
      assert.match([...sessions][0], /^[0-9a-f]{64}$/);
    } finally {
      await collector.close();
    }
  });

  const unhealthy = {
    hanging: () => startCollector({ mode: "hang" }),
    "answering 500": () => startCollector({ mode: 500 }),
    refusing: async () => ({ url: `http://127.0.0.1:${await closedPort()}/api/`, close() {} }),
  };

  for (const [label, start] of Object.entries(unhealthy)) {
    test(`server ${label}: same output as the plain build, exit within a second of it`, async () => {
      const server = await start();
      try {
        const result = await run("dist/main.js", server.url);
        walls[label] = result.wallMs;
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, plain.stdout);
        assert.equal(result.stderr, "");
        assert.ok(
          result.wallMs < plain.wallMs + 1_000,
          `${Math.round(result.wallMs)} ms against ${Math.round(plain.wallMs)} ms plain`,
        );
      } finally {
        await server.close();
      }
    });
  }
});

// Consumers type-check against the published entry points under every module resolution an
// author may use: node10 (CommonJS), node16 and nodenext (CommonJS and ESM files), bundler.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot } from "../scripts/lib/example-package.mjs";

const consumer = `
import { ApiHandler, TelemetryRegister, ProductionToggle, registerFunc, sessionId, SessionID,
  UnknownServiceError, readConsent, PRODUCTION_SERVER_URL } from "access-ts-telemetry";
import transformer, { parseConfig, matchProgram } from "access-ts-telemetry/transformer";

const handler: ApiHandler = new ApiHandler();
handler.addExtraFields("mypackage_run", { version: "1.2" });
handler.removeFields("mypackage_run", ["name"]);
handler.setHeaders(null, { "X-Token": "t" });
handler.requestTimeoutMs = 2000;
const url: string = handler.serverUrl;
const flushed: Promise<boolean> = handler.flush(100);
const sent: number = handler.counters.sent;
const register: TelemetryRegister = new TelemetryRegister("mypackage_run");
const known: boolean = register.has("Experiment.run");
new ProductionToggle().production = false;
const id: string = sessionId() + String(new SessionID());
const wrapped = registerFunc("mypackage_run")((a: number) => a + 1);
const three: number = wrapped(2);
const error = new UnknownServiceError("x", []);
const enabled: boolean = readConsent().enabled;
type Factory = typeof transformer;
const parse: typeof parseConfig = parseConfig;
const match: typeof matchProgram = matchProgram;
export { url, flushed, sent, known, id, three, error, enabled, parse, match, PRODUCTION_SERVER_URL };
export type { Factory };
`;

const setups = [
  { name: "node10 (CommonJS)", module: "commonjs", resolution: "node10", type: "commonjs" },
  { name: "node16, CommonJS file", module: "node16", resolution: "node16", type: "commonjs" },
  { name: "node16, ESM file", module: "node16", resolution: "node16", type: "module" },
  { name: "nodenext, ESM file", module: "nodenext", resolution: "nodenext", type: "module" },
  { name: "bundler", module: "esnext", resolution: "bundler", type: "module" },
];

let workDir;

before(() => {
  workDir = mkdtempSync(join(tmpdir(), "att-types-"));
  mkdirSync(join(workDir, "node_modules", "@types"), { recursive: true });
  symlinkSync(repoRoot, join(workDir, "node_modules", "access-ts-telemetry"), "dir");
  symlinkSync(
    join(repoRoot, "node_modules", "typescript"),
    join(workDir, "node_modules", "typescript"),
    "dir",
  );
  symlinkSync(
    join(repoRoot, "node_modules", "@types", "node"),
    join(workDir, "node_modules", "@types", "node"),
    "dir",
  );
});

after(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

for (const setup of setups) {
  test(`the entry points type-check under ${setup.name}`, () => {
    const dir = join(workDir, setup.name.replace(/\W+/g, "-"));
    mkdirSync(dir);
    symlinkSync(join(workDir, "node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "consumer", type: setup.type }),
    );
    writeFileSync(join(dir, "consumer.ts"), consumer);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: setup.module,
          moduleResolution: setup.resolution,
          target: "es2022",
          strict: true,
          noEmit: true,
          esModuleInterop: true,
          types: ["node"],
        },
        files: ["consumer.ts"],
      }),
    );
    const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", dir], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.status, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
  });
}

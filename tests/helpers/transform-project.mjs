// Temp projects for the transformer tests: a fixture copied into os.tmpdir(), node_modules linked
// the way an install would, a recording runtime, real tspc / tsc builds and node runs. Every
// child process has a timeout; every temp dir is removed by `cleanup()`.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runChild } from "../../scripts/lib/run-child.mjs";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const repoModules = join(repoRoot, "node_modules");
const TSPC = join(repoModules, "ts-patch", "bin", "tspc.js");

const CHILD_TIMEOUT_MS = 60_000;

// A stand-in for the runtime with the three names of docs/generated-code.md. It keeps every
// call in order and writes them as JSON to $RECORDING_OUT when the process exits. Values JSON
// cannot carry are written as readable tags so the tests can compare them.
const RECORDING_RUNTIME = `"use strict";
const calls = [];
exports.telemetryGate = { enabled: process.env.RECORDING_DISABLED !== "1" };
exports.declareServices = function (services, options) {
  const caller = (new Error().stack || "").split("\\n")[2] || "";
  const from = (caller.match(/([^/\\\\()]+?):\\d+:\\d+\\)?$/) || [])[1];
  calls.push({ kind: "declare", services, options, from });
};
exports.trackCall = function (service, functionName, args, kwargs) {
  calls.push({ kind: "track", service, function: functionName, args, kwargs, argsIsArray: Array.isArray(args) });
};
exports.recordedCalls = calls;
function tag(key, value) {
  if (value === undefined) return "[undefined]";
  if (typeof value === "function") return "[function " + (value.name || "anonymous") + "]";
  if (typeof value === "bigint") return "[bigint " + value + "]";
  return value;
}
process.on("exit", () => {
  if (process.env.RECORDING_OUT) {
    require("node:fs").writeFileSync(process.env.RECORDING_OUT, JSON.stringify(calls, tag));
  }
});
`;

const RECORDING_TYPES = `export interface RecordedCall {
  readonly kind: "declare" | "track";
  readonly [key: string]: unknown;
}
export declare const telemetryGate: { enabled: boolean };
export declare function declareServices(services: object, options: object): void;
export declare function trackCall(service: string, name: string, args: unknown[], kwargs: object): void;
export declare const recordedCalls: readonly RecordedCall[];
`;

/**
 * Copies `fixtures/<fixture>` into a fresh temp dir, links `typescript` (the repository's, or
 * `typescript` = "typescript-6.0" for another version), `access-ts-telemetry` (the repository
 * root) and `tslib`, and writes `node_modules/recording-runtime`. `tsconfig` entries are merged
 * into the copy's compilerOptions (`null` deletes an option); `files` are written over the copy.
 */
export function makeProject(
  fixture,
  { typescript = "typescript", tsconfig = {}, files = {} } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), `att-${fixture}-`));
  cpSync(join(repoRoot, "fixtures", fixture), dir, {
    recursive: true,
    filter: (source) => !["out", "node_modules"].includes(basename(source)),
  });

  linkModule(dir, "typescript", join(repoModules, typescript));
  linkModule(dir, "access-ts-telemetry", repoRoot);
  linkModule(dir, "tslib", join(repoModules, "tslib"));
  const runtimeDir = join(dir, "node_modules", "recording-runtime");
  mkdirSync(runtimeDir, { recursive: true });
  writeFileSync(
    join(runtimeDir, "package.json"),
    '{ "name": "recording-runtime", "main": "index.js" }\n',
  );
  writeFileSync(join(runtimeDir, "index.js"), RECORDING_RUNTIME);
  writeFileSync(join(runtimeDir, "index.d.ts"), RECORDING_TYPES);

  const configFile = join(dir, "tsconfig.json");
  const config = JSON.parse(readFileSync(configFile, "utf8"));
  for (const [key, value] of Object.entries(tsconfig)) {
    if (value === null) delete config.compilerOptions[key];
    else config.compilerOptions[key] = value;
  }
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }

  const plain = {
    extends: "./tsconfig.json",
    compilerOptions: { outDir: "out-plain", plugins: [] },
  };
  writeFileSync(join(dir, "tsconfig.plain.json"), JSON.stringify(plain, null, 2));

  return {
    dir,
    typescript,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function linkModule(projectDir, name, target) {
  const link = join(projectDir, "node_modules", name);
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { recursive: true, force: true });
  symlinkSync(target, link, "dir");
}

/** `tspc -p tsconfig.json` with the project's TypeScript: output in `out/`. */
export function buildWithPlugin(project, args = []) {
  const env = { TSP_COMPILER_TS_PATH: join(repoModules, project.typescript) };
  return run(process.execPath, [TSPC, "-p", "tsconfig.json", ...args], { cwd: project.dir, env });
}

/** Plain `tsc` with the same options and no plugin: output in `out-plain/`. */
export function buildPlain(project, args = []) {
  const tsc = join(repoModules, project.typescript, "bin", "tsc");
  return run(process.execPath, [tsc, "-p", "tsconfig.plain.json", ...args], { cwd: project.dir });
}

/** Both builds at once; rejects with the compiler output when a build fails. */
export async function buildBoth(project) {
  const [plugin, plain] = await Promise.all([buildWithPlugin(project), buildPlain(project)]);
  if (plain.code !== 0)
    throw new Error(`plain tsc failed (${plain.code}):\n${plain.stdout}${plain.stderr}`);
  if (plugin.code !== 0)
    throw new Error(`tspc failed (${plugin.code}):\n${plugin.stdout}${plugin.stderr}`);
  return { plugin, plain };
}

/**
 * Runs a built entry with node; resolves with its output and the calls the recording runtime
 * received (an empty list when the runtime was never loaded).
 */
export async function runOutput(project, entry, { env = {} } = {}) {
  const callsFile = join(project.dir, `calls-${Math.random().toString(36).slice(2)}.json`);
  const result = await run(process.execPath, [entry], {
    cwd: project.dir,
    env: { RECORDING_OUT: callsFile, ...env },
  });
  const calls = existsSync(callsFile) ? JSON.parse(readFileSync(callsFile, "utf8")) : [];
  rmSync(callsFile, { force: true });
  return { ...result, calls };
}

/** The tracked calls only, as `{ function, args, kwargs }` (plus `service` when asked). */
export function trackedCalls(calls, { withService = false } = {}) {
  return calls
    .filter((call) => call.kind === "track")
    .map((call) =>
      withService
        ? { service: call.service, function: call.function, args: call.args, kwargs: call.kwargs }
        : { function: call.function, args: call.args, kwargs: call.kwargs },
    );
}

/** Every file under `dir` (relative path -> text), optionally only those ending in `suffix`. */
export function readTree(dir, suffix = "") {
  const files = new Map();
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(suffix))
        files.set(relative(dir, path), readFileSync(path, "utf8"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

export function run(command, args, { cwd, env = {}, timeoutMs = CHILD_TIMEOUT_MS } = {}) {
  return runChild(command, args, {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeoutMs,
  });
}

/** Both builds, then both outputs run: `{ builds, instrumented, plain }`. */
export async function buildAndRun(project, entry = join("out", "index.js"), { env } = {}) {
  const builds = await buildBoth(project);
  const plainEntry = entry.replace(/^out([/\\])/, "out-plain$1");
  const [instrumented, plain] = await Promise.all([
    runOutput(project, entry, { env }),
    runOutput(project, plainEntry, { env }),
  ]);
  return { builds, instrumented, plain };
}

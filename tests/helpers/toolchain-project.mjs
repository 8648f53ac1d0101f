// Temp copies of the toolchain fixtures, the tools run on them as child processes, and the
// local collector that receives what the built code sends. Every child has a timeout and is
// killed when it runs over; every temp dir is removed by `cleanup()`.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { runChild } from "../../scripts/lib/run-child.mjs";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const repoModules = join(repoRoot, "node_modules");
export const fixturesDir = join(repoRoot, "fixtures");

/**
 * The Node versions the built output runs on: the system Node 20 and the packaged Node 22. Under
 * `npm run`, `node` is node_modules/.bin/node (the packaged 22), so Node 20 is looked up on the
 * PATH outside node_modules. Each entry has the `version` it reported; a missing one throws.
 */
export function nodeBinaries() {
  const packaged = join(repoModules, "node-22", "bin", "node");
  const onPath = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "" && !dir.split(sep).includes("node_modules"))
    .map((dir) => join(dir, "node"));
  return [
    { label: "20", path: findNode("20", [process.execPath, ...onPath]) },
    { label: "22", path: findNode("22", [packaged]) },
  ].map((node) => ({ ...node, version: nodeVersion(node.path) }));
}

function findNode(major, candidates) {
  const found = candidates.find(
    (path) => existsSync(path) && nodeVersion(path).startsWith(`${major}.`),
  );
  if (found === undefined) {
    throw new Error(`no Node ${major} found (looked at ${candidates.join(", ")})`);
  }
  return found;
}

function nodeVersion(path) {
  const result = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 10_000 });
  return (result.stdout ?? "").trim().replace(/^v/, "");
}

export const TSPC = join(repoModules, "ts-patch", "bin", "tspc.js");
export const TS_PATCH_CLI = join(repoModules, "ts-patch", "bin", "ts-patch.js");

const requireFromRepo = createRequire(join(repoRoot, "package.json"));

/** The collector from the built CLI (`dist/cjs/cli/main.js`), started in this process. */
export function loadCollector() {
  const cli = join(repoRoot, "dist", "cjs", "cli", "main.js");
  return requireFromRepo(cli).startCollector;
}

/**
 * Copies `fixtures/<fixture>` into a fresh temp dir and links `node_modules` entries the way an
 * install would: `access-ts-telemetry` to the repository root, each name in `link` to the
 * repository's own copy. Build output (`out/`, `dist/`) of the fixture is not copied.
 */
export function makeProject(fixture, { link = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `att-${fixture}-`));
  cpSync(join(fixturesDir, fixture), dir, {
    recursive: true,
    filter: (source) => !["out", "dist", "node_modules"].includes(basename(source)),
  });
  linkModule(dir, "access-ts-telemetry", repoRoot);
  for (const name of link) linkModule(dir, name, join(repoModules, name));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Makes `name` (scoped names too) resolvable from `projectDir` as a symlink to `target`. */
export function linkModule(projectDir, name, target) {
  const link = join(projectDir, "node_modules", name);
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { recursive: true, force: true });
  symlinkSync(target, link, "dir");
}

/**
 * Runs `node <args>` (or another executable through `command`) and resolves with its exit
 * code, signal and output. Killed with SIGKILL after `timeoutMs`; `timedOut` says so.
 */
export function run(args, { cwd, env = {}, node = process.execPath, timeoutMs = 60_000 } = {}) {
  return runChild(node, args, { cwd, env: { ...cleanEnv(), ...env }, timeoutMs });
}

/**
 * The parent's environment without the switches that would change what a child sends:
 * telemetry opt-outs, debug printing and a server URL inherited from the caller.
 */
export function cleanEnv() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith("ACCESS_TELEMETRY_") || name === "DO_NOT_TRACK") delete env[name];
    if (name.startsWith("NODE_TEST") || name === "NODE_OPTIONS") delete env[name];
  }
  return env;
}

/**
 * The environment that points an instrumented program's runtime at `collector`, with a home
 * under `projectDir`: neither a telemetry choice nor a spool of the real user can change what
 * the program sends, and nothing it leaves behind reaches them.
 */
export function telemetryEnv(collector, projectDir) {
  const home = join(projectDir, ".home");
  mkdirSync(home, { recursive: true });
  return {
    ACCESS_TELEMETRY_SERVER_URL: collector.url,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    XDG_CACHE_HOME: join(home, ".cache"),
  };
}

/**
 * Waits until `collector` holds at least `count` records (the runtime sends them before its
 * process exits, so this rarely waits at all) and returns them; rejects after `timeoutMs`.
 */
export async function waitForRecords(collector, count, { timeoutMs = 5000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (collector.records.length < count) {
    if (Date.now() > deadline) {
      const got = JSON.stringify(collector.records, null, 2);
      throw new Error(`expected ${count} records within ${timeoutMs} ms, got:\n${got}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return collector.records;
}

/**
 * What the toolchain tests compare: which function was called, with which arguments, in a
 * stable order (records arrive in any order: the runtime sends them in parallel).
 */
export function callsOf(records) {
  return sortCalls(
    records.map(({ endpoint, function: name, args, kwargs }) => ({
      endpoint,
      function: name,
      args,
      kwargs,
    })),
  );
}

/** `calls` in the order `callsOf` gives, for the expected side of a comparison. */
export function sortCalls(calls) {
  const key = (call) => JSON.stringify([call.endpoint, call.function, call.args, call.kwargs]);
  return [...calls].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The first 12 hex digits of the SHA-256 of a file: a cache key that changes with its text. */
export function fileDigest(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 12);
}

/**
 * Starts a long-running `node <args>` (a watcher) and collects its output. `waitFor(pattern,
 * count)` resolves once the output matched `pattern` `count` times in all, and rejects after
 * `timeoutMs` with the output so far. `stop()` ends it (SIGKILL after 5 s) and is safe twice.
 */
export function startWatching(args, { cwd, env = {}, node = process.execPath } = {}) {
  const child = spawn(node, args, {
    cwd,
    env: { ...cleanEnv(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set();
  const onData = (text) => {
    output += text;
    for (const listener of listeners) listener();
  };
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", onData);
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));

  function waitFor(pattern, count = 1, { timeoutMs = 30_000 } = {}) {
    const global = new RegExp(
      pattern.source,
      pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`,
    );
    return new Promise((resolve, reject) => {
      const check = () => {
        if ((output.match(global) ?? []).length < count) return;
        finish();
        resolve(output);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${count}x ${pattern} within ${timeoutMs} ms; output:\n${output}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }

  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.kill("SIGTERM");
    await exited;
    clearTimeout(timer);
  }

  return { child, waitFor, stop, output: () => output };
}

/**
 * Runs `node <args>` in `project` with its runtime pointed at a fresh local collector, waits for
 * `recordCount` records and returns the program's result and the calls they describe.
 */
export async function runWithCollector(project, args, { recordCount, node, timeoutMs } = {}) {
  const collector = await loadCollector()({ port: 0 });
  try {
    const result = await run(args, {
      cwd: project.dir,
      node,
      timeoutMs,
      env: telemetryEnv(collector, project.dir),
    });
    assert.equal(
      result.code,
      0,
      `node ${args.join(" ")} exited with ${result.code}:\n${result.output}`,
    );
    const records = await waitForRecords(collector, recordCount);
    return { ...result, records, calls: callsOf(records) };
  } finally {
    await collector.close();
  }
}

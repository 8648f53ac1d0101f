// The reliability fixture (fixtures/reliability-app) built for real with tspc, with the
// transformer (dist/) and without it (dist-plain/), in a temp dir. Its program runs with fresh
// user homes and a preloaded reporter that, at exit, writes the runtime's counters, every
// child process started and every socket connection attempted to a file outside the home.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { packageRoot, requireBuild } from "./runtime-child.mjs";
import { runChild } from "../../scripts/lib/run-child.mjs";

/** The token the fixture sends as `Authorization: Bearer <TOKEN>`. */
export const TOKEN = "tok-3f9a-very-secret-d41c";

/**
 * For runs whose records must all be delivered before the process ends, even on a loaded
 * machine: the exit wait gives the server up to a second between steps of progress instead of
 * the default 40 ms. Runs that check the exit delay keep the default.
 */
export const DELIVER = { ACCESS_TELEMETRY_EXIT_GRACE_MS: "1000" };

const fixture = join(packageRoot, "fixtures", "reliability-app");
const tspc = join(packageRoot, "node_modules", "ts-patch", "bin", "tspc.js");

const REPORTER = `
// Preloaded before the program: notes child processes, connection attempts and how long the
// process took from the end of its own work (the first beforeExit) to its exit, then, after
// the runtime's own exit handling, writes what it saw to ATT_REPORT.
const { writeFileSync } = require("node:fs");
const childProcess = require("node:child_process");
const net = require("node:net");
const spawned = [];
for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  const original = childProcess[name];
  childProcess[name] = function (...args) {
    spawned.push(name);
    return original.apply(this, args);
  };
}
const connects = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect hands its arguments on normalized, as [options, callback].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === "object" && first !== null ? first : { port: first, host: args[1] };
  connects.push(options.path ?? String(options.host ?? "localhost") + ":" + String(options.port));
  return connect.apply(this, args);
};
const telemetry = require("access-ts-telemetry");
let workDoneAt;
process.on("beforeExit", () => (workDoneAt ??= performance.now()));
process.on("exit", () => {
  const counters = new telemetry.ApiHandler().counters;
  const exitDelayMs = workDoneAt === undefined ? null : performance.now() - workDoneAt;
  writeFileSync(process.env.ATT_REPORT, JSON.stringify({ counters, spawned, connects, exitDelayMs }));
});
`;

const SCRUBBED = /^(ACCESS_TELEMETRY_|DO_NOT_TRACK$|XDG_|NODE_OPTIONS$|NODE_TEST|ATT_)/;

export function buildApp() {
  requireBuild();
  const dir = mkdtempSync(join(tmpdir(), "att-reliability-"));
  cpSync(fixture, dir, {
    recursive: true,
    filter: (source) => !/[\\/](dist|dist-plain|node_modules)$/.test(source),
  });
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(packageRoot, join(dir, "node_modules", "access-ts-telemetry"), "dir");
  writeFileSync(join(dir, "report.cjs"), REPORTER);
  mkdirSync(join(dir, "reports"));
  for (const tsconfig of ["tsconfig.json", "tsconfig.plain.json"]) {
    const result = spawnSync(process.execPath, [tspc, "-p", join(dir, tsconfig)], {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
    });
    if (result.status !== 0 || result.stdout !== "" || result.stderr !== "") {
      throw new Error(
        `tspc -p ${tsconfig} failed (${result.status}):\n${result.stdout}${result.stderr}`,
      );
    }
  }

  let homes = 0;
  let runs = 0;
  return {
    dir,

    /** A fresh user home: empty HOME and XDG config, state and cache directories. */
    newHome() {
      homes += 1;
      const home = join(dir, `home-${homes}`);
      const env = {
        HOME: home,
        XDG_CONFIG_HOME: join(home, "xdg-config"),
        XDG_STATE_HOME: join(home, "xdg-state"),
        XDG_CACHE_HOME: join(home, "xdg-cache"),
      };
      for (const path of Object.values(env)) mkdirSync(path, { recursive: true });
      return {
        root: home,
        env,
        spoolDir: join(env.XDG_STATE_HOME, "access-ts-telemetry", "spool"),
        /** Every path created under the home since it was made (the four base dirs excepted). */
        files() {
          const bases = new Set(Object.values(env).map((path) => relative(home, path)));
          return walk(home)
            .map((path) => relative(home, path))
            .filter((path) => !bases.has(path));
        },
      };
    },

    /**
     * Runs `node <build>/main.js ...args` (build: "dist" or "dist-plain") with `home`'s
     * environment, the runtime pointed at `serverUrl`; resolves with the exit code, output,
     * wall time and the reporter's findings (`report`: counters, spawned, connects and
     * exitDelayMs, the time from the end of the program's work to its exit).
     */
    run(build, args, options = {}) {
      return this.runFile(join(build, "main.js"), args, options);
    },

    /** The same for any script in the project directory (`file` relative to it). */
    runFile(file, args, { home, serverUrl, env = {}, timeoutMs = 20_000, onSpawn } = {}) {
      runs += 1;
      const reportFile = join(dir, "reports", `run-${runs}.json`);
      const childEnv = {};
      for (const [name, value] of Object.entries(process.env)) {
        if (!SCRUBBED.test(name)) childEnv[name] = value;
      }
      Object.assign(childEnv, home?.env, { ATT_TOKEN: TOKEN, ATT_REPORT: reportFile }, env);
      if (serverUrl !== undefined) childEnv.ACCESS_TELEMETRY_SERVER_URL = serverUrl;
      const argv = ["--require", join(dir, "report.cjs"), join(dir, file), ...args];
      return runBounded(argv, { cwd: dir, env: childEnv, timeoutMs, onSpawn }).then((result) => ({
        ...result,
        report: existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, "utf8")) : null,
      }));
    },

    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawns node with `argv`; resolves with code, signal, stdout, stderr, wallMs and the child. */
export async function runBounded(argv, { cwd, env, timeoutMs, onSpawn = () => {} }) {
  const result = await runChild(process.execPath, argv, { cwd, env, timeoutMs, onSpawn });
  if (result.timedOut) {
    throw new Error(`${argv.join(" ")} did not exit within ${timeoutMs} ms\n${result.output}`);
  }
  return result;
}

/** Every file and directory below `root`, depth first. */
export function walk(root) {
  const found = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    found.push(path);
    if (entry.isDirectory()) found.push(...walk(path));
  }
  return found;
}

/** The spool's files (name and parsed content), oldest name first; [] when there is none. */
export function spoolFiles(spoolDir) {
  if (!existsSync(spoolDir)) return [];
  return readdirSync(spoolDir)
    .sort()
    .map((name) => {
      const text = readFileSync(join(spoolDir, name), "utf8");
      let content;
      try {
        content = JSON.parse(text);
      } catch {
        content = undefined;
      }
      return { name, path: join(spoolDir, name), text, content };
    });
}

/** Every record in the spool's ready and claimed files. */
export function spooledRecords(spoolDir) {
  return spoolFiles(spoolDir).flatMap((file) => file.content?.records ?? []);
}

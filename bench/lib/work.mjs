// The benchmark's scratch area (bench/.work/, gitignored) and the one way it runs child
// processes: a clean environment, a hard kill timeout, wall time measured around the child.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChild } from "../../scripts/lib/run-child.mjs";

export const benchRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = join(benchRoot, "..");
export const workRoot = join(benchRoot, ".work");
export const repoModules = join(repoRoot, "node_modules");

/** The installed package as the scratch projects see it (a copy of the build, as npm would). */
export const installedPackage = join(workRoot, "node_modules", "access-ts-telemetry");
/**
 * The home every child runs with unless it is given its own (HOME and the XDG folders inside
 * it): no stored choice of the machine's user decides, and no spool is written or read outside
 * bench/.work.
 */
export const defaultHome = join(workRoot, "homes", "default");

export const TSPC = join(repoModules, "ts-patch", "bin", "tspc.js");
export const TSC = join(repoModules, "typescript", "bin", "tsc");

// Variables of the parent that would change what a child measures.
const CLEARED_ENV = [
  "DO_NOT_TRACK",
  "ACCESS_TELEMETRY_DISABLED",
  "ACCESS_TELEMETRY_DEBUG",
  "ACCESS_TELEMETRY_SERVER_URL",
  "ACCESS_TELEMETRY_EXIT_GRACE_MS",
  "NODE_OPTIONS",
  "NODE_TEST_CONTEXT",
];

// The files a complete build has; a copy missing any of them was taken mid-build.
const BUILD_ENTRIES = [
  join("dist", "cjs", "runtime", "index.js"),
  join("dist", "esm", "runtime", "index.js"),
  join("dist", "cjs", "transformer", "index.js"),
  join("dist", "cjs", "cli", "main.js"),
];
const COPY_ATTEMPTS = 30;
const COPY_RETRY_MS = 2000;

const isComplete = (root) => BUILD_ENTRIES.every((entry) => existsSync(join(root, entry)));

/**
 * Empties bench/.work and installs a copy of the built package into its node_modules, so a
 * rebuild of dist/ while the benchmark runs cannot change what it measures. node-fetch, yaml
 * and ts-patch resolve from the repository's node_modules, one level further up. A build in
 * progress (dist/ incomplete) is waited for, up to a minute.
 */
export async function prepareWork() {
  for (let attempt = 1; ; attempt += 1) {
    rmSync(workRoot, { recursive: true, force: true });
    mkdirSync(installedPackage, { recursive: true });
    try {
      if (isComplete(repoRoot)) copyBuild();
    } catch {
      // dist/ changed under the copy; the check below sends us round again.
    }
    if (isComplete(installedPackage)) break;
    if (attempt === COPY_ATTEMPTS) {
      throw new Error(`${join(repoRoot, "dist")} is incomplete: run "npm run build" first`);
    }
    await new Promise((resolve) => setTimeout(resolve, COPY_RETRY_MS));
  }
  mkdirSync(defaultHome, { recursive: true });
  // A package scope of its own, so that nothing under bench/.work resolves
  // "access-ts-telemetry" to the repository itself (a package's self-reference).
  writeFileSync(join(workRoot, "package.json"), '{ "name": "bench-work", "private": true }\n');
}

function copyBuild() {
  for (const part of ["package.json", "config.yaml", "dist", join("transformer", "package.json")]) {
    cpSync(join(repoRoot, part), join(installedPackage, part), { recursive: true });
  }
}

/** Writes `files` (relative name to text) under `dir`, creating folders as needed. */
export function writeFiles(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/** A new, empty home under bench/.work/homes: a spool of its own, starting empty. */
export function freshHome(label) {
  mkdirSync(join(workRoot, "homes"), { recursive: true });
  return mkdtempSync(join(workRoot, "homes", `${label}-`));
}

/** The parent's environment without telemetry settings, with `home` as HOME and XDG folders. */
export function childEnv(extra = {}, home = defaultHome) {
  const env = { ...process.env };
  for (const name of CLEARED_ENV) delete env[name];
  env.HOME = home;
  env.XDG_CONFIG_HOME = join(home, ".config");
  env.XDG_STATE_HOME = join(home, ".local", "state");
  env.XDG_CACHE_HOME = join(home, ".cache");
  return Object.assign(env, extra);
}

/**
 * Runs a command to its end, or kills it (SIGKILL) after `timeoutMs`. Never rejects for the
 * child's own failure: the result says `code`, `signal`, `timedOut`, the output and `wallMs`.
 */
export function runProcess(command, args, { cwd = workRoot, env = childEnv(), timeoutMs }) {
  return runChild(command, args, { cwd, env, timeoutMs });
}

/** `node <args>` with the Node that runs the benchmark. */
export function runNode(args, options) {
  return runProcess(process.execPath, args, options);
}

const SHOWN_LINES = 30;

function firstLines(text) {
  const lines = text.trimEnd().split("\n");
  if (lines.length <= SHOWN_LINES) return lines.join("\n");
  const more = lines.length - SHOWN_LINES;
  return `${lines.slice(0, SHOWN_LINES).join("\n")}\n... (${more} more lines)`;
}

/** Fails with (the start of) the child's output unless it exited with 0 on its own. */
export function expectSuccess(result, what) {
  if (result.code === 0 && !result.timedOut) return result;
  const how = result.timedOut ? "was killed after its timeout" : `exited with ${result.code}`;
  throw new Error(
    `${what} ${how}\nstdout: ${firstLines(result.stdout)}\nstderr: ${firstLines(result.stderr)}`,
  );
}

/** The JSON object a child printed on its last line of stdout. */
export function lastJson(result, what) {
  const lines = result.stdout.trim().split("\n");
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    throw new Error(`${what} printed no JSON\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

// Scratch projects for the runtime tests: a temp dir with the built package installed under
// node_modules (copied from dist/, as npm would install it), child scripts written into it and
// run with node, every child bounded in time.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChild } from "../../scripts/lib/run-child.mjs";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The package whose dist/ is tested (the repository, built by `npm run build`). */
export const packageRoot = process.env.ATT_TEST_PACKAGE_ROOT ?? repoRoot;

const CLEARED_ENV = [
  "XDG_STATE_HOME",
  "DO_NOT_TRACK",
  "ACCESS_TELEMETRY_DISABLED",
  "ACCESS_TELEMETRY_DEBUG",
  "ACCESS_TELEMETRY_SERVER_URL",
  "ACCESS_TELEMETRY_EXIT_GRACE_MS",
  "NODE_TEST_CONTEXT",
  "NODE_OPTIONS",
];

export function requireBuild() {
  const entry = join(packageRoot, "dist", "cjs", "runtime", "index.js");
  if (!existsSync(entry) || !existsSync(join(packageRoot, "dist", "esm", "runtime", "index.js"))) {
    throw new Error(`${entry} is missing: run "npm run build" before these tests`);
  }
}

/**
 * A temp project with the package installed at `<dir>/node_modules/access-ts-telemetry` (and
 * at each of `copies`, relative to dir), node-fetch resolvable, and an empty config home.
 */
export function makeProject({ copies = ["."] } = {}) {
  requireBuild();
  const dir = mkdtempSync(join(tmpdir(), "att-runtime-"));
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(
    join(repoRoot, "node_modules", "node-fetch"),
    join(dir, "node_modules", "node-fetch"),
  );
  for (const copy of copies) installCopy(join(dir, copy));
  mkdirSync(join(dir, "config"));
  return {
    dir,
    configHome: join(dir, "config"),
    write(files) {
      for (const [name, source] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), source);
      }
    },
    run(file, options = {}) {
      return runNode(dir, file, { configHome: join(dir, "config"), ...options });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function installCopy(base) {
  const target = join(base, "node_modules", "access-ts-telemetry");
  mkdirSync(join(target, "dist", "cjs"), { recursive: true });
  cpSync(join(packageRoot, "package.json"), join(target, "package.json"));
  cpSync(
    join(packageRoot, "dist", "cjs", "package.json"),
    join(target, "dist", "cjs", "package.json"),
  );
  cpSync(join(packageRoot, "dist", "cjs", "runtime"), join(target, "dist", "cjs", "runtime"), {
    recursive: true,
  });
  cpSync(join(packageRoot, "dist", "esm"), join(target, "dist", "esm"), { recursive: true });
}

/**
 * Runs `node <file>` in `cwd`; resolves with code, stdout, stderr and wall time (ms). Unless
 * `env` names an XDG_STATE_HOME, each run gets a fresh one under `cwd`, so no run sees the
 * records another one left in the spool.
 */
export async function runNode(
  cwd,
  file,
  { env = {}, configHome, timeoutMs = 15_000, args = [] } = {},
) {
  const childEnv = { ...process.env };
  for (const name of CLEARED_ENV) delete childEnv[name];
  if (configHome !== undefined) childEnv.XDG_CONFIG_HOME = configHome;
  childEnv.XDG_STATE_HOME = mkdtempSync(join(cwd, ".state-"));
  Object.assign(childEnv, env);

  const result = await runChild(process.execPath, [...args, file], {
    cwd,
    env: childEnv,
    timeoutMs,
  });
  if (result.timedOut) {
    throw new Error(`${file} did not exit within ${timeoutMs} ms\n${result.output}`);
  }
  return result;
}

/** The JSON a child printed on its last stdout line. */
export function lastJson(result) {
  const lines = result.stdout.trim().split("\n");
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    throw new Error(
      `child printed no JSON (code ${result.code})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
}

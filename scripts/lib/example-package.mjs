// Steps shared by `npm run demo` and the end-to-end test: link the runtime into a package,
// build it with tspc, start the local collector as a user would, read back what it stored.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChild } from "./run-child.mjs";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const cliPath = join(repoRoot, "dist", "cjs", "cli", "main.js");
const tspcPath = join(repoRoot, "node_modules", "ts-patch", "bin", "tspc.js");

/** Makes `access-ts-telemetry` resolvable from `packageDir`, as `npm install` would. */
export function linkRuntime(packageDir) {
  const modules = join(packageDir, "node_modules");
  const link = join(modules, "access-ts-telemetry");
  mkdirSync(modules, { recursive: true });
  if (existsSync(link) || isDanglingLink(link)) rmSync(link, { recursive: true, force: true });
  symlinkSync(repoRoot, link, "dir");
}

function isDanglingLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Runs the real tspc on `packageDir`; returns its exit status and everything it printed. */
export function buildWithTspc(packageDir, { tsconfig = "tsconfig.json" } = {}) {
  const result = spawnSync(process.execPath, [tspcPath, "-p", join(packageDir, tsconfig)], {
    cwd: packageDir,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * Starts `access-ts-telemetry serve --port 0` in a child process and resolves once it says
 * where it listens. `onLine` receives every line the collector prints after that.
 */
export function startCollector({ onLine = () => {}, extraArgs = [], timeoutMs = 15_000 } = {}) {
  const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => (stderr += chunk));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the collector did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    let buffered = "";
    let url;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const match = url ? null : /listening on (http:\/\/\S+)/.exec(line);
        if (match) {
          url = match[1].endsWith("/") ? match[1] : `${match[1]}/`;
          clearTimeout(timer);
          resolve({ url, child, stop: () => stopChild(child) });
        } else if (url) {
          onLine(line);
        }
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (!url) reject(new Error(`the collector exited with ${code} before listening:\n${stderr}`));
    });
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill("SIGTERM");
  });
}

/** Runs a node script with the runtime pointed at `serverUrl`; resolves with its output. */
export function runScript(
  script,
  { serverUrl, env = {}, cwd = dirname(script), timeoutMs = 30_000 },
) {
  const childEnv = { ...process.env, ACCESS_TELEMETRY_SERVER_URL: serverUrl, ...env };
  return runChild(process.execPath, [script], { cwd, env: childEnv, timeoutMs });
}

/** GETs JSON from the collector. */
export async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}

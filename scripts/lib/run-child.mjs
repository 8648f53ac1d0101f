// The one way the tests, the demo and the benchmarks run a child process: its output collected,
// its wall time measured, and the child killed (SIGKILL) when it outlives its time limit.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

/**
 * Runs `command args` to its end. Resolves with `{ code, signal, stdout, stderr, output,
 * timedOut, wallMs }` once the child has exited and its pipes are drained; never rejects for
 * the child's own failure (only when it cannot be spawned). `wallMs` ends when the process does,
 * not when its pipes close. `onSpawn` receives the child (to signal it, say).
 */
export function runChild(
  command,
  args,
  { cwd, env = process.env, timeoutMs = 60_000, onSpawn = () => {} } = {},
) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    onSpawn(child);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let wallMs;
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", () => (wallMs = performance.now() - started));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      wallMs ??= performance.now() - started;
      resolve({ code, signal, stdout, stderr, output: stdout + stderr, timedOut, wallMs });
    });
  });
}

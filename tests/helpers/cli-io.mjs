// Drives the CLI in-process through its exported main(argv, io), with captured output.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The built CLI module (dist/cjs/cli/main.js). */
export function loadCli() {
  return require("../../dist/cjs/cli/main.js");
}

/** An io object whose stdout/stderr are captured as strings. */
export function captureIo(env, signal) {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: { write: (text) => (out.stdout += text) },
    stderr: { write: (text) => (out.stderr += text) },
    env,
    signal,
  };
  return { io, out };
}

/** Runs `main(argv)` and resolves with its exit code and output. */
export async function runCli(argv, env = {}) {
  const { main } = loadCli();
  const { io, out } = captureIo(env);
  const code = await main(argv, io);
  return { code, ...out };
}

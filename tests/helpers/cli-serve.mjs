// Starts the collector the way a user does (`node dist/cjs/cli/main.js serve ...`) and talks to
// it over real HTTP on 127.0.0.1. Every child and request is bounded in time.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";

export const CLI_BIN = fileURLToPath(new URL("../../dist/cjs/cli/main.js", import.meta.url));

const LISTENING = /^listening on (http:\/\/\S+\/api\/)$/m;

/** Spawns `serve` with `args` and resolves once it prints its listening line. */
export async function startServe(args = [], { startTimeoutMs = 5000 } = {}) {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing; run "npm run build" first`);
  const child = spawn(process.execPath, [CLI_BIN, "serve", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (text) => (output.stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text) => (output.stderr += text));
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve did not print its URL within ${startTimeoutMs} ms:\n${dump()}`));
    }, startTimeoutMs);
    const check = () => {
      const match = LISTENING.exec(output.stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off("data", check);
      resolve(match[1]);
    };
    child.stdout.on("data", check);
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${dump()}`));
    });
  });

  function dump() {
    return `stdout:\n${output.stdout}\nstderr:\n${output.stderr}`;
  }

  /** Sends `signal` and resolves with the exit status, output and how long the exit took. */
  async function stop(signal = "SIGTERM", { timeoutMs = 5000 } = {}) {
    const started = Date.now();
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const status = await exited;
    clearTimeout(timer);
    return { ...status, elapsedMs: Date.now() - started, ...output };
  }

  return { url, port: Number(new URL(url).port), child, output, stop, exited };
}

/**
 * One HTTP request, no connection reuse unless an agent is passed. Resolves with the status,
 * headers, body text and the parsed JSON body (or undefined).
 */
export function send(
  url,
  { method = "GET", body, headers = {}, agent = false, timeoutMs = 5000 } = {},
) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent, timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        let json;
        try {
          json = text === "" ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** POSTs `value` as JSON (or a raw string as is) with the headers the runtime sends. */
export function postJson(url, value, options = {}) {
  const body = typeof value === "string" ? value : JSON.stringify(value);
  return send(url, {
    ...options,
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", ...options.headers },
  });
}

// The server states the benchmark sends to, all on 127.0.0.1:
//
// - healthy:  the package's collector (startCollector of the built CLI), answering 201;
// - hanging:  accepts the connection, reads the request, never answers;
// - refusing: a port that was just bound and released, so connecting fails at once
//             (ECONNREFUSED);
// - absent:   connecting gets no answer at all: a listener whose accept queue is full drops
//             every SYN, as a host behind a dropping firewall (or gone from the network) does.
//             It stands for "the server cannot be reached" without any packet leaving the
//             machine; a DNS name that does not resolve would ask a resolver elsewhere.
import { spawn } from "node:child_process";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { benchRoot, installedPackage } from "./work.mjs";

const SERVER_SCRIPT = join(benchRoot, "children", "server.cjs");
const CLI_MAIN = join(installedPackage, "dist", "cjs", "cli", "main.js");
const START_TIMEOUT_MS = 15_000;

/** Starts `server.cjs <mode>`; resolves once it listens. `close()` ends it. */
export function startServer(mode) {
  const child = spawn(process.execPath, [SERVER_SCRIPT, mode, CLI_MAIN], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  const lines = [];
  const lineWaiters = [];
  let buffered = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      lines.push(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
    for (const waiter of [...lineWaiters]) waiter();
  });

  function nextLine(prefix, timeoutMs) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = lines.findIndex((line) => line.startsWith(prefix));
        if (index < 0) return;
        const [line] = lines.splice(index, 1);
        done();
        resolve(line.slice(prefix.length).trim());
      };
      const fail = (why) => {
        done();
        reject(new Error(`server.cjs ${mode}: ${why}\n${stderr}`));
      };
      const onExit = (code) => fail(`exited with ${code}`);
      const timer = setTimeout(() => fail(`no "${prefix}" line within ${timeoutMs} ms`), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        child.off("exit", onExit);
        lineWaiters.splice(lineWaiters.indexOf(check), 1);
      };
      lineWaiters.push(check);
      child.once("exit", onExit);
      check();
    });
  }

  const closed = new Promise((resolve) => child.once("exit", resolve));
  return nextLine("listening", START_TIMEOUT_MS).then((url) => ({
    url,
    port: Number(new URL(url).port),
    /** Records the healthy collector stored so far. */
    async stored() {
      child.stdin.write("count\n");
      return Number(await nextLine("stored", 5_000));
    },
    close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      return closed;
    },
  }));
}

/** A loopback URL whose port nothing listens on: bound, then released. */
export function refusingUrl() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(`http://127.0.0.1:${port}/api/`));
    });
  });
}

function tryConnect(port, waitMs) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const timer = setTimeout(() => resolve({ socket, connected: false }), waitMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve({ socket, connected: true });
    });
    socket.once("error", () => {
      clearTimeout(timer);
      resolve({ socket, connected: false, failed: true });
    });
  });
}

/**
 * The absent server: started, its accept queue filled with connections that stay open, and
 * checked: a further connect must still be pending after 300 ms.
 */
export async function startAbsent() {
  const server = await startServer("absent");
  const fillers = [];
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const filler = await tryConnect(server.port, 300);
    if (!filler.connected) {
      filler.socket.destroy();
      break;
    }
    fillers.push(filler.socket);
  }
  const probe = await tryConnect(server.port, 300);
  probe.socket.destroy();
  if (probe.connected || probe.failed || fillers.length > 3) {
    for (const socket of fillers) socket.destroy();
    await server.close();
    throw new Error("could not make a loopback port that drops connections (accept queue)");
  }
  return {
    ...server,
    close() {
      for (const socket of fillers) socket.destroy();
      return server.close();
    },
  };
}

// The HTTP transport: node-fetch 2 over agents whose sockets never keep the process alive.
// node-fetch, node:http and node:https are loaded on the first send, not when the runtime
// loads: a program whose calls are never sent (or that makes none) never pays for them.
import type { Agent, ClientRequest, ClientRequestArgs } from "node:http";
import type { Duplex } from "node:stream";
import { extendExitWait } from "./exit-wait.js";
import { MAX_IN_FLIGHT } from "./limits.js";
import { state, type FetchFunction } from "./state.js";

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

const AGENT_OPTIONS = { keepAlive: true, maxSockets: MAX_IN_FLIGHT, maxFreeSockets: MAX_IN_FLIGHT };

const PROGRESS_EVENTS = ["lookup", "connect", "secureConnect"];

// Every new socket is unref'd, and its connection steps count as progress for the exit wait.
function watch<T extends Duplex | null | undefined>(socket: T): T {
  if (socket === null || socket === undefined) return socket;
  for (const event of PROGRESS_EVENTS) socket.once(event, extendExitWait);
  return unref(socket);
}

function unref<T extends Duplex>(socket: T): T {
  if ("unref" in socket && typeof socket.unref === "function") socket.unref();
  return socket;
}

// Node refs a pooled socket again when it hands it to the next request, so both the new and
// the reused socket are unref'd.
function newHttpAgent(): Agent {
  const http: typeof import("node:http") = require("node:http");
  class UnrefHttpAgent extends http.Agent {
    createConnection(options: ClientRequestArgs, callback?: ConnectCallback) {
      return watch(super.createConnection(options, callback));
    }

    reuseSocket(socket: Duplex, request: ClientRequest): void {
      super.reuseSocket(socket, request);
      unref(socket);
    }
  }
  return new UnrefHttpAgent(AGENT_OPTIONS);
}

function newHttpsAgent(): Agent {
  const https: typeof import("node:https") = require("node:https");
  class UnrefHttpsAgent extends https.Agent {
    createConnection(options: import("node:https").RequestOptions, callback?: ConnectCallback) {
      return watch(super.createConnection(options, callback));
    }

    reuseSocket(socket: Duplex, request: ClientRequest): void {
      super.reuseSocket(socket, request);
      unref(socket);
    }
  }
  return new UnrefHttpsAgent(AGENT_OPTIONS);
}

export function loadFetch(): FetchFunction {
  const sender = state.sender;
  if (sender.fetch === undefined) {
    // A bundler may hand over node-fetch's ES module build, whose function is `default`.
    const loaded: FetchFunction | { default: FetchFunction } = require("node-fetch");
    sender.fetch = typeof loaded === "function" ? loaded : loaded.default;
  }
  return sender.fetch;
}

/** The agent for a request URL (node-fetch's `agent` option accepts this function). */
export function agentFor(url: URL): Agent {
  const sender = state.sender;
  if (url.protocol === "https:") {
    sender.httpsAgent ??= newHttpsAgent();
    return sender.httpsAgent;
  }
  sender.httpAgent ??= newHttpAgent();
  return sender.httpAgent;
}

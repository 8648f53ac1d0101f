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
    const unstub = stubWhatwgUrl();
    try {
      // A bundler may hand over node-fetch's ES module build, whose function is `default`.
      const loaded: FetchFunction | { default: FetchFunction } = require("node-fetch");
      sender.fetch = typeof loaded === "function" ? loaded : loaded.default;
    } finally {
      unstub();
    }
  }
  return sender.fetch;
}

// node-fetch 2 requires whatwg-url when it loads (two thirds of its load time, most of it
// tr46's mapping table) but uses it only where Node has no URL class (`Url.URL ||
// whatwgUrl.URL`), which every supported Node has. So, under Node's own module loader and
// unless whatwg-url is loaded already, node-fetch is handed a module holding Node's URL for
// the length of its synchronous require; the entry is removed right after, and anything that
// asks for whatwg-url later gets the real module. Returns what takes the entry away again.
function stubWhatwgUrl(): () => void {
  const nothing = (): void => {};
  try {
    const fetchPath: unknown = require.resolve("node-fetch");
    if (typeof fetchPath !== "string") return nothing; // a bundler's module id
    const { Module, createRequire }: typeof import("node:module") = require("node:module");
    const fromFetch = createRequire(fetchPath);
    const path = fromFetch.resolve("whatwg-url");
    if (fromFetch.cache[path] !== undefined) return nothing;
    const stub = new Module(path);
    stub.filename = path;
    stub.loaded = true;
    stub.exports = { URL };
    fromFetch.cache[path] = stub;
    return () => {
      if (fromFetch.cache[path] === stub) delete fromFetch.cache[path];
    };
  } catch {
    return nothing; // node-fetch resolves (or misses) whatwg-url as it always does
  }
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

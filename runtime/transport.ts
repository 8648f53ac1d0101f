// The HTTP transport: node-fetch 2, loaded on the first send, over agents whose sockets never
// keep the process alive.
import { Agent as HttpAgent, type ClientRequest, type ClientRequestArgs } from "node:http";
import { Agent as HttpsAgent, type RequestOptions as HttpsRequestOptions } from "node:https";
import type { Duplex } from "node:stream";
import { extendExitWait } from "./exit-wait.js";
import { MAX_IN_FLIGHT } from "./limits.js";
import { state, type FetchFunction } from "./state.js";

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

const AGENT_OPTIONS = { keepAlive: true, maxSockets: MAX_IN_FLIGHT, maxFreeSockets: MAX_IN_FLIGHT };

// Node refs a pooled socket again when it hands it to the next request, so both the new and
// the reused socket are unref'd here.
class UnrefHttpAgent extends HttpAgent {
  createConnection(options: ClientRequestArgs, callback?: ConnectCallback) {
    return watch(super.createConnection(options, callback));
  }

  reuseSocket(socket: Duplex, request: ClientRequest): void {
    super.reuseSocket(socket, request);
    unref(socket);
  }
}

class UnrefHttpsAgent extends HttpsAgent {
  createConnection(options: HttpsRequestOptions, callback?: ConnectCallback) {
    return watch(super.createConnection(options, callback));
  }

  reuseSocket(socket: Duplex, request: ClientRequest): void {
    super.reuseSocket(socket, request);
    unref(socket);
  }
}

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

export function loadFetch(): FetchFunction {
  const sender = state.sender;
  if (sender.fetch === undefined) {
    const loaded: FetchFunction = require("node-fetch");
    sender.fetch = loaded;
  }
  return sender.fetch;
}

/** The agent for a request URL (node-fetch's `agent` option accepts this function). */
export function agentFor(url: URL): HttpAgent {
  const sender = state.sender;
  if (url.protocol === "https:") {
    sender.httpsAgent ??= new UnrefHttpsAgent(AGENT_OPTIONS);
    return sender.httpsAgent;
  }
  sender.httpAgent ??= new UnrefHttpAgent(AGENT_OPTIONS);
  return sender.httpAgent;
}

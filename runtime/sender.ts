// The sender: drains the bounded queue (queue.ts) off the call path with at most MAX_IN_FLIGHT
// requests, each bounded by requestTimeoutMs. The program's own records go first, then records
// taken from the spool (resend.ts). Whatever cannot be delivered ends in onUndelivered (own
// records) or settleResend (spooled ones). Loaded on the first send (lazy.ts).
import { handleInternalError } from "./errors.js";
import { printDebug } from "./debug-print.js";
import { extendExitWait } from "./exit-wait.js";
import { DEFAULT_FLUSH_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, MAX_IN_FLIGHT } from "./limits.js";
import { describeError } from "./placeholders.js";
import { prepareRequest } from "./prepare.js";
import { isIdle } from "./queue.js";
import { settleResend } from "./resend.js";
import { parseRetryAfter } from "./retry.js";
import { redactUrl } from "./server-url.js";
import {
  state,
  type ActiveRequest,
  type FetchFunction,
  type PreparedRequest,
  type QueueItem,
  type ResendItem,
} from "./state.js";
import { agentFor, loadFetch } from "./transport.js";
import { onUndelivered, type Undelivered } from "./undelivered.js";

type Response = Awaited<ReturnType<FetchFunction>>;

/** Starts requests while there is room, then settles flush waiters if nothing is left. */
export function dispatch(): void {
  const sender = state.sender;
  const resendQueue = state.spool.resendQueue;
  try {
    while (sender.active.size < MAX_IN_FLIGHT) {
      const item = sender.queue.shift() ?? resendQueue.shift();
      if (item === undefined) break;
      start(item);
    }
  } catch (error) {
    handleInternalError(error, "warn");
  }
  if (isIdle()) settleIdle();
}

function isResend(item: QueueItem | ResendItem): item is ResendItem {
  return "claim" in item;
}

function start(item: QueueItem | ResendItem): void {
  const request = isResend(item) ? item.record : prepareOwn(item);
  if (request === undefined) return;

  let fetch: FetchFunction;
  try {
    fetch = loadFetch();
  } catch (error) {
    const detail = `node-fetch could not be loaded: ${describeError(error)}`;
    settle(item, request, { outcome: "failed", reason: "transport", detail });
    return;
  }

  const active = track(item, request);
  let answered: Promise<Response>;
  try {
    answered = fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      agent: agentFor,
      signal: active.controller.signal,
      redirect: "manual",
    });
  } catch (error) {
    finish(active, requestFailure(active, error));
    return;
  }
  answered
    .then(
      (response) => {
        finish(active, answerProblem(response));
        drain(active, response);
      },
      (error: unknown) => finish(active, requestFailure(active, error)),
    )
    .catch((error: unknown) => handleInternalError(error, "warn"));
}

/** The request for one of the program's records, or undefined when it is not to be sent. */
function prepareOwn(item: QueueItem): PreparedRequest | undefined {
  const request = prepareRequest(item);
  if (request === undefined) {
    onUndelivered(item, { outcome: "dropped", reason: "too-large" });
    return undefined;
  }
  if (state.debug) {
    printDebug(request);
    return undefined;
  }
  return request;
}

/** Registers a request as in flight, with its timeout armed (unref'd). */
function track(item: QueueItem | ResendItem, request: PreparedRequest): ActiveRequest {
  const active: ActiveRequest = {
    item,
    request,
    controller: new AbortController(),
    timer: undefined,
    abortedFor: undefined,
    settled: false,
  };
  const timeoutMs = state.requestTimeoutMs;
  if (timeoutMs !== null) {
    active.timer = setTimeout(abortRequest, timeoutMs, active, "timeout");
    active.timer.unref();
  }
  const requests = state.sender.active;
  requests.add(active);
  state.counters.maxInFlightSeen = Math.max(state.counters.maxInFlightSeen, requests.size);
  return active;
}

export function abortRequest(request: ActiveRequest, why: "timeout" | "exit"): void {
  if (request.settled) return;
  request.abortedFor = why;
  if (why === "exit") finish(request, { outcome: "dropped", reason: "exit" });
  request.controller.abort();
}

// The status line decides: a record is delivered once a 2xx status arrives, however slowly
// the rest of the answer follows.
function finish(request: ActiveRequest, problem: Undelivered | undefined): void {
  if (request.settled) return;
  request.settled = true;
  if (request.timer !== undefined) clearTimeout(request.timer);
  state.sender.active.delete(request);
  if (problem === undefined) extendExitWait();
  settle(request.item, request.request, problem);
  if (request.abortedFor !== "exit") dispatch();
}

function settle(
  item: QueueItem | ResendItem,
  request: PreparedRequest,
  problem: Undelivered | undefined,
): void {
  if (isResend(item)) settleResend(item, problem);
  else if (problem === undefined) state.counters.sent += 1;
  else onUndelivered(item, problem, request);
}

// The rest of an answer is read and dropped, so the socket can serve the next request; one
// that does not end within the request timeout is cut.
function drain(request: ActiveRequest, response: Response): void {
  const body: NodeJS.ReadableStream | null = response.body;
  if (body === null || typeof body.resume !== "function") return;
  const timer = setTimeout(
    () => request.controller.abort(),
    state.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  );
  timer.unref();
  const done = (): void => clearTimeout(timer);
  body.on("error", done);
  body.on("end", done);
  body.resume();
}

function answerProblem(response: Response): Undelivered | undefined {
  const status = response.status;
  if (status >= 200 && status < 300) return undefined;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
  return {
    outcome: "failed",
    reason: `http-${status}`,
    detail: `the server answered ${status}`,
    status,
    ...(retryAfterMs > 0 ? { retryAfterMs } : {}),
  };
}

function requestFailure(request: ActiveRequest, error: unknown): Undelivered {
  if (request.abortedFor === "timeout") {
    const detail = `no answer within requestTimeoutMs (${state.requestTimeoutMs} ms)`;
    return { outcome: "failed", reason: "timeout", detail };
  }
  // node-fetch names the URL in its messages; a user name or password in it stays out.
  const detail = describeError(error)
    .split(request.request.url)
    .join(redactUrl(request.request.url));
  return { outcome: "failed", reason: "network", detail };
}

/**
 * Resolves true once nothing is queued or in flight, false when `timeoutMs` passed first.
 * Never rejects. While it waits, its timer keeps the process alive.
 */
export function flush(timeoutMs: number = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> {
  dispatch();
  if (isIdle()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const waiter = {
      resolve,
      timer: setTimeout(() => {
        state.sender.flushWaiters.delete(waiter);
        resolve(false);
      }, timeoutMs),
    };
    state.sender.flushWaiters.add(waiter);
  });
}

function settleIdle(): void {
  const sender = state.sender;
  for (const waiter of sender.flushWaiters) {
    clearTimeout(waiter.timer);
    waiter.resolve(true);
  }
  sender.flushWaiters.clear();
  if (sender.exitTimer !== undefined) {
    clearTimeout(sender.exitTimer);
    sender.exitTimer = undefined;
  }
}

// The sender: a bounded queue drained off the call path by at most MAX_IN_FLIGHT requests,
// each bounded by requestTimeoutMs. Whatever cannot be delivered ends in onUndelivered.
import { handleInternalError } from "./errors.js";
import { printDebug, requestHeaders } from "./debug-print.js";
import { extendExitWait } from "./exit-wait.js";
import { DEFAULT_FLUSH_TIMEOUT_MS, MAX_IN_FLIGHT, MAX_QUEUED_RECORDS } from "./limits.js";
import { describeError } from "./placeholders.js";
import { serializeRecord } from "./record.js";
import { joinUrl } from "./server-url.js";
import { state, type ActiveRequest, type FetchFunction, type QueueItem } from "./state.js";
import { agentFor, loadFetch } from "./transport.js";
import { onUndelivered, type Undelivered } from "./undelivered.js";

/** Hands a captured call to the sender. Never waits; a full queue drops the record. */
export function enqueue(item: QueueItem): void {
  const sender = state.sender;
  state.lastItem = item;
  if (sender.queue.length >= MAX_QUEUED_RECORDS) {
    onUndelivered(item, { outcome: "dropped", reason: "queue-full" });
    return;
  }
  sender.queue.push(item);
  if (!sender.dispatchScheduled) {
    sender.dispatchScheduled = true;
    setImmediate(scheduledDispatch).unref();
  }
}

function scheduledDispatch(): void {
  state.sender.dispatchScheduled = false;
  dispatch();
}

/** Starts requests while there is room, then settles flush waiters if nothing is left. */
export function dispatch(): void {
  const sender = state.sender;
  try {
    while (sender.queue.length > 0 && sender.active.size < MAX_IN_FLIGHT) {
      const item = sender.queue.shift();
      if (item !== undefined) start(item);
    }
  } catch (error) {
    handleInternalError(error, "warn");
  }
  if (isIdle()) settleIdle();
}

export function isIdle(): boolean {
  return state.sender.queue.length === 0 && state.sender.active.size === 0;
}

function start(item: QueueItem): void {
  const body = serializeRecord(item);
  if (body === undefined) {
    onUndelivered(item, { outcome: "dropped", reason: "too-large" });
    return;
  }

  const url = joinUrl(state.serverUrl, item.service.endpoint);
  const headers = requestHeaders(item);
  if (state.debug) {
    printDebug(url, headers, body);
    return;
  }

  let fetch: FetchFunction;
  try {
    fetch = loadFetch();
  } catch (error) {
    const detail = `node-fetch could not be loaded: ${describeError(error)}`;
    onUndelivered(item, { outcome: "failed", reason: "transport", detail });
    return;
  }

  const request = track(item);
  let answered: Promise<number>;
  try {
    answered = fetch(url, {
      method: "POST",
      headers,
      body,
      agent: agentFor,
      signal: request.controller.signal,
      redirect: "manual",
    }).then(async (response) => {
      await response.arrayBuffer();
      return response.status;
    });
  } catch (error) {
    finish(request, requestFailure(request, error));
    return;
  }
  answered
    .then(
      (status) => finish(request, status >= 200 && status < 300 ? undefined : httpFailure(status)),
      (error: unknown) => finish(request, requestFailure(request, error)),
    )
    .catch((error: unknown) => handleInternalError(error, "warn"));
}

/** Registers a request as in flight, with its timeout armed (unref'd). */
function track(item: QueueItem): ActiveRequest {
  const request: ActiveRequest = {
    item,
    controller: new AbortController(),
    timer: undefined,
    abortedFor: undefined,
    settled: false,
  };
  const timeoutMs = state.requestTimeoutMs;
  if (timeoutMs !== null) {
    request.timer = setTimeout(abortRequest, timeoutMs, request, "timeout");
    request.timer.unref();
  }
  const active = state.sender.active;
  active.add(request);
  state.counters.maxInFlightSeen = Math.max(state.counters.maxInFlightSeen, active.size);
  return request;
}

export function abortRequest(request: ActiveRequest, why: "timeout" | "exit"): void {
  if (request.settled) return;
  request.abortedFor = why;
  if (why === "exit") finish(request, { outcome: "dropped", reason: "exit" });
  request.controller.abort();
}

function finish(request: ActiveRequest, problem: Undelivered | undefined): void {
  if (request.settled) return;
  request.settled = true;
  if (request.timer !== undefined) clearTimeout(request.timer);
  state.sender.active.delete(request);
  if (problem === undefined) {
    state.counters.sent += 1;
    extendExitWait();
  } else {
    onUndelivered(request.item, problem);
  }
  if (request.abortedFor !== "exit") dispatch();
}

function httpFailure(status: number): Undelivered {
  return { outcome: "failed", reason: `http-${status}`, detail: `the server answered ${status}` };
}

function requestFailure(request: ActiveRequest, error: unknown): Undelivered {
  if (request.abortedFor === "timeout") {
    const detail = `no answer within requestTimeoutMs (${state.requestTimeoutMs} ms)`;
    return { outcome: "failed", reason: "timeout", detail };
  }
  return { outcome: "failed", reason: "network", detail: describeError(error) };
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

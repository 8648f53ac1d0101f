// The sender: a bounded queue drained off the call path by at most MAX_IN_FLIGHT requests,
// each bounded by requestTimeoutMs. Whatever cannot be delivered ends in onUndelivered.
import { handleInternalError } from "./errors.js";
import {
  DEFAULT_FLUSH_TIMEOUT_MS,
  MAX_IN_FLIGHT,
  MAX_QUEUED_RECORDS,
  MAX_SEND_WARNINGS,
} from "./limits.js";
import { serializeRecord } from "./record.js";
import { joinUrl, redactUrl } from "./server-url.js";
import { describeError } from "./snapshot.js";
import { state, type ActiveRequest, type FetchFunction, type QueueItem } from "./state.js";
import { agentFor, loadFetch } from "./transport.js";
import { warn } from "./warn.js";

export type Undelivered =
  | { outcome: "dropped"; reason: "queue-full" | "too-large" | "exit" }
  | { outcome: "failed"; reason: string; detail: string };

export interface CountersView {
  queued: number;
  inFlight: number;
  sent: number;
  failed: number;
  dropped: number;
  printed: number;
  errors: number;
  maxInFlightSeen: number;
  droppedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
}

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

// While the process is held at its natural end, each delivery gives the server another
// exitGraceMs, up to the cap: a healthy server gets everything, a failing one does not hold us.
function extendExitWait(): void {
  const sender = state.sender;
  if (sender.exitTimer === undefined || sender.exitCapMs === undefined) return;
  if (Date.now() + state.exitGraceMs <= sender.exitCapMs) sender.exitTimer.refresh();
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
 * Where every record that could not be delivered ends up. Today it is counted (and, in
 * staging, reported); a spool for later runs plugs in here.
 */
export function onUndelivered(item: QueueItem, problem: Undelivered): void {
  const counters = state.counters;
  if (problem.outcome === "dropped") {
    counters.dropped += 1;
    counters.droppedByReason[problem.reason] = (counters.droppedByReason[problem.reason] ?? 0) + 1;
  } else {
    counters.failed += 1;
    counters.failedByReason[problem.reason] = (counters.failedByReason[problem.reason] ?? 0) + 1;
  }
  if (!state.production) warnUndelivered(item, problem);
}

function warnUndelivered(item: QueueItem, problem: Undelivered): void {
  if (problem.outcome === "dropped" && problem.reason === "exit") return;
  const sender = state.sender;
  if (sender.sendWarnings > MAX_SEND_WARNINGS) return;
  sender.sendWarnings += 1;
  if (sender.sendWarnings > MAX_SEND_WARNINGS) {
    warn("ATT_SEND_FAILED", "further undelivered records are only counted (see counters)");
    return;
  }
  const where = redactUrl(joinUrl(state.serverUrl, item.service.endpoint));
  if (problem.outcome === "failed") {
    warn(
      "ATT_SEND_FAILED",
      `could not send a ${item.service.name} record to ${where}: ${problem.detail}`,
    );
  } else if (problem.reason === "queue-full") {
    warn(
      "ATT_QUEUE_FULL",
      `${MAX_QUEUED_RECORDS} records already queued; a ${item.service.name} record was dropped`,
    );
  } else {
    warn(
      "ATT_RECORD_TOO_LARGE",
      `a ${item.service.name} record does not fit the size bound even without its arguments; dropped`,
    );
  }
}

function requestHeaders(item: QueueItem): Record<string, string> {
  return { ...state.globalHeaders, ...item.service.headers, "Content-Type": "application/json" };
}

/** Debug mode (ACCESS_TELEMETRY_DEBUG): the request is printed to stderr instead of sent. */
export function printInstead(item: QueueItem): void {
  const body = serializeRecord(item);
  if (body === undefined) onUndelivered(item, { outcome: "dropped", reason: "too-large" });
  else printDebug(joinUrl(state.serverUrl, item.service.endpoint), requestHeaders(item), body);
}

function printDebug(url: string, headers: Record<string, string>, body: string): void {
  const shown: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    shown[name] = name === "Content-Type" ? headers[name] : "[redacted]";
  }
  try {
    process.stderr.write(
      `access-ts-telemetry: POST ${redactUrl(url)} ${JSON.stringify(shown)} ${body}\n`,
    );
    state.counters.printed += 1;
  } catch (error) {
    handleInternalError(error, "warn");
  }
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

export function countersView(): CountersView {
  const counters = state.counters;
  return {
    queued: state.sender.queue.length,
    inFlight: state.sender.active.size,
    sent: counters.sent,
    failed: counters.failed,
    dropped: counters.dropped,
    printed: counters.printed,
    errors: counters.errors,
    maxInFlightSeen: counters.maxInFlightSeen,
    droppedByReason: { ...counters.droppedByReason },
    failedByReason: { ...counters.failedByReason },
  };
}

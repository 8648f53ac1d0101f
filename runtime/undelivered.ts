// Where every record of this process that could not be delivered ends up: counted, kept in
// the spool when another try may succeed (retry.ts), otherwise counted as lost; in staging,
// reported.
import { MAX_QUEUED_RECORDS, MAX_SEND_WARNINGS } from "./limits.js";
import { isRetryable } from "./retry.js";
import { redactUrl } from "./server-url.js";
import { keepForLater } from "./spool.js";
import { state, type PreparedRequest, type QueueItem } from "./state.js";
import { warn } from "./warn.js";

export type Undelivered =
  | { outcome: "dropped"; reason: "queue-full" | "too-large" | "exit" }
  | {
      outcome: "failed";
      reason: string;
      detail: string;
      /** The HTTP status, when the server answered. */
      status?: number;
      /** The wait the server asked for (Retry-After), in milliseconds. */
      retryAfterMs?: number;
    };

/** `request` is the request as it went out, when it did. */
export function onUndelivered(
  item: QueueItem,
  problem: Undelivered,
  request?: PreparedRequest,
): void {
  const counters = state.counters;
  if (problem.outcome === "dropped") {
    countDropped(problem.reason);
  } else {
    counters.failed += 1;
    counters.failedByReason[problem.reason] = (counters.failedByReason[problem.reason] ?? 0) + 1;
  }
  const kept = !state.debug && isRetryable(problem);
  if (kept) {
    keepForLater(item, request, problem.outcome === "failed" ? (problem.retryAfterMs ?? 0) : 0);
  } else {
    loseRecords(1, problem.outcome === "dropped" ? problem.reason : "rejected");
  }
  if (!state.production) warnUndelivered(item, problem, kept, request);
}

/**
 * Counts a call dropped at a full queue whose record was never built, because neither the
 * queue nor the spool's waiting list could have taken it (queue.ts `wouldBeLost`): the same
 * counts as building it and passing it to `onUndelivered`.
 */
export function loseUnbuilt(): void {
  countDropped("queue-full");
  loseRecords(1, state.debug ? "queue-full" : "spool-full");
}

function countDropped(reason: string): void {
  const counters = state.counters;
  counters.dropped += 1;
  counters.droppedByReason[reason] = (counters.droppedByReason[reason] ?? 0) + 1;
}

/** Counts records gone for good. */
export function loseRecords(count: number, reason: string): void {
  if (count <= 0) return;
  const counters = state.counters;
  counters.lost += count;
  counters.lostByReason[reason] = (counters.lostByReason[reason] ?? 0) + count;
}

/**
 * A staging warning about undelivered records, the first MAX_SEND_WARNINGS of them, then one
 * notice that further ones are only counted.
 */
export function warnLimited(code: string, message: string): void {
  if (state.production) return;
  const sender = state.sender;
  sender.sendWarnings = warnCounted(code, message, sender.sendWarnings);
}

/** The same for the spool's own troubles (full, unusable, expired, corrupt), counted apart. */
export function warnSpool(code: string, message: string): void {
  if (state.production) return;
  state.spool.warnings = warnCounted(code, message, state.spool.warnings);
}

function warnCounted(code: string, message: string, sofar: number): number {
  if (sofar > MAX_SEND_WARNINGS) return sofar;
  if (sofar === MAX_SEND_WARNINGS) warn(code, "further ones are only counted (see counters)");
  else warn(code, message);
  return sofar + 1;
}

function warnUndelivered(
  item: QueueItem,
  problem: Undelivered,
  kept: boolean,
  request: PreparedRequest | undefined,
): void {
  if (problem.outcome === "dropped" && problem.reason === "exit") return;
  const then = kept ? "; it goes to the spool for a later run" : "; not retried";
  if (problem.outcome === "failed") {
    const where = request === undefined ? item.service.endpoint : redactUrl(request.url);
    warnLimited(
      "ATT_SEND_FAILED",
      `could not send a ${item.service.name} record to ${where}: ${problem.detail}${then}`,
    );
  } else if (problem.reason === "queue-full") {
    warnLimited(
      "ATT_QUEUE_FULL",
      `${MAX_QUEUED_RECORDS} records already queued; a ${item.service.name} record was ` +
        `not queued${then}`,
    );
  } else {
    warnLimited(
      "ATT_RECORD_TOO_LARGE",
      `a ${item.service.name} record does not fit the size bound even without its arguments; dropped`,
    );
  }
}

// Where every record that could not be delivered ends up: counted, and in staging reported.
import { MAX_QUEUED_RECORDS, MAX_SEND_WARNINGS } from "./limits.js";
import { joinUrl, redactUrl } from "./server-url.js";
import { state, type QueueItem } from "./state.js";
import { warn } from "./warn.js";

export type Undelivered =
  | { outcome: "dropped"; reason: "queue-full" | "too-large" | "exit" }
  | { outcome: "failed"; reason: string; detail: string };

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

// The call path's end: a captured call goes into the bounded queue, and the sender (loaded on
// first use) drains it on the next turn of the event loop.
import { loadSender, loadUndelivered } from "./lazy.js";
import { MAX_QUEUED_RECORDS, MAX_SPOOL_RECORDS } from "./limits.js";
import { state, type QueueItem } from "./state.js";

/**
 * True when a new record would be lost whatever it holds: the queue is full, and so is the
 * spool's waiting list (or debug mode, which keeps nothing). Checked before a record is built,
 * so that in a flood of calls each one past both bounds costs a counter, not a copy of its
 * arguments.
 */
export function wouldBeLost(): boolean {
  return (
    state.sender.queue.length >= MAX_QUEUED_RECORDS &&
    (state.debug || state.spool.pending.length >= MAX_SPOOL_RECORDS)
  );
}

/** Counts a call whose record `wouldBeLost` without building it. */
export function countLostUnbuilt(): void {
  loadUndelivered().loseUnbuilt();
}

/** Hands a captured call to the sender. Never waits; a full queue drops the record. */
export function enqueue(item: QueueItem): void {
  const sender = state.sender;
  state.lastItem = item;
  if (sender.queue.length >= MAX_QUEUED_RECORDS) {
    loadUndelivered().onUndelivered(item, { outcome: "dropped", reason: "queue-full" });
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
  loadSender().dispatch();
}

/** Nothing queued, taken from the spool and waiting, or in flight. */
export function isIdle(): boolean {
  const sender = state.sender;
  return (
    sender.queue.length === 0 && state.spool.resendQueue.length === 0 && sender.active.size === 0
  );
}

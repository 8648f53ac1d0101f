// The counters as a plain object, a copy taken when read.
import { state } from "./state.js";

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
  spooled: number;
  resent: number;
  respooled: number;
  lost: number;
  lostByReason: Record<string, number>;
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
    spooled: counters.spooled,
    resent: counters.resent,
    respooled: counters.respooled,
    lost: counters.lost,
    lostByReason: { ...counters.lostByReason },
  };
}

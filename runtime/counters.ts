// The counters as a plain object, a copy taken when read.
import { state, type Counters } from "./state.js";

/** Every counter of the process (state.ts `Counters`), plus what is queued and in flight now. */
export type CountersView = { queued: number; inFlight: number } & {
  -readonly [K in keyof Counters]: Counters[K];
};

export function countersView(): CountersView {
  const counters = state.counters;
  return {
    queued: state.sender.queue.length,
    inFlight: state.sender.active.size,
    ...counters,
    droppedByReason: { ...counters.droppedByReason },
    failedByReason: { ...counters.failedByReason },
    lostByReason: { ...counters.lostByReason },
  };
}

// Row 3: the exit cost, one row per server state.
import { formatMs, signed } from "../lib/stats.mjs";
import { below, outcomeNote, row, spoolNote } from "./common.mjs";

const GOAL_MS = 50;

const LABELS = {
  healthy: "exit, server healthy",
  hanging: "exit, server hanging (accepts, never answers)",
  refusing: "exit, server refusing (closed port, ECONNREFUSED)",
  absent: "exit, server absent (connect never answered)",
  off: "exit, telemetry off (`DO_NOT_TRACK=1`)",
};

export function exitRows(exit) {
  return Object.entries(exit.states).map(([state, figure]) => {
    const { counters } = figure;
    const outcome =
      state === "off" ? "no record built" : `${outcomeNote(counters)}; ${spoolNote(counters)}`;
    return row({
      id: "3",
      measure: LABELS[state],
      plain: formatMs(exit.plainMs),
      instrumented: formatMs(figure.ms),
      difference: signed(formatMs(figure.diffMs), figure.diffMs),
      goal: "< 50 ms over plain",
      result: below(figure.diffMs, GOAL_MS, formatMs),
      notes: `median of ${exit.rounds}, paired per round; ${outcome}`,
    });
  });
}

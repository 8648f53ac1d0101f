// What every row of the table shares: the cell for "no figure", the goal verdicts, and the
// runtime's counters in words.
import { formatCount } from "../lib/stats.mjs";

export const DASH = "–";

/** The columns of the table, in order. */
export const COLUMNS = [
  ["id", "#"],
  ["measure", "measure"],
  ["plain", "plain"],
  ["instrumented", "instrumented"],
  ["difference", "difference"],
  ["goal", "goal"],
  ["result", "result"],
  ["notes", "notes"],
];

/** A row from named cells; a cell left out is a dash. */
export function row(cells) {
  return COLUMNS.map(([key]) => cells[key] ?? DASH);
}

/** "met", or "**missed** by <how much>", for a value that must stay below `limit`. */
export function below(value, limit, format) {
  return value < limit ? "met" : `**missed** by ${format(value - limit)}`;
}

export function percent(part, whole) {
  return whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

function byReason(counts = {}) {
  const parts = Object.entries(counts).map(([reason, count]) => `${reason} ${formatCount(count)}`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

/** Sent, failed and dropped, with their reasons. */
export function outcomeNote(counters) {
  return (
    `sent ${formatCount(counters.sent)}, failed ${formatCount(counters.failed)}` +
    `${byReason(counters.failedByReason)}, dropped ${formatCount(counters.dropped)}` +
    byReason(counters.droppedByReason)
  );
}

/** The spool's counters, when the runtime has them. */
export function spoolNote(counters) {
  if (counters.spooled === undefined) return "no spool counters";
  return (
    `spooled ${formatCount(counters.spooled)}, resent ${formatCount(counters.resent)}, ` +
    `lost ${formatCount(counters.lost)}${byReason(counters.lostByReason)}`
  );
}

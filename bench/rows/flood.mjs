// Row 4: the flood, two rows (memory; requests and outcomes) per variant.
import { formatBytes, formatCount, formatMs } from "../lib/stats.mjs";
import { below, outcomeNote, row, spoolNote } from "./common.mjs";

const GOAL_RSS_BYTES = 64 * 1024 * 1024;
const MAX_IN_FLIGHT = 8;

function label(flood, variant) {
  const how =
    variant === "tight"
      ? "one tight loop"
      : `a turn of the event loop every ${formatCount(flood.variants[variant].yieldEvery)} calls`;
  return `flood, ${formatCount(flood.calls)} calls, ${how}`;
}

function endNote(flood, plain, tracked) {
  const killed = plain.killed + tracked.killed;
  if (killed > 0) return `**${killed} run(s) killed** after ${formatMs(flood.killAfterMs)}`;
  return `every run ended by itself, ${formatMs(tracked.exitAfterCallsMs)} after its last call`;
}

export function floodRows(flood) {
  const rows = [];
  for (const [variant, { plain, tracked }] of Object.entries(flood.variants)) {
    const measure = label(flood, variant);
    if (plain.maxRssKiB === undefined || tracked.maxRssKiB === undefined) {
      rows.push(
        row({
          id: "4",
          measure,
          result: "**killed**",
          notes: `every run was killed after ${formatMs(flood.killAfterMs)}`,
        }),
      );
      continue;
    }
    const diffBytes = (tracked.maxRssKiB - plain.maxRssKiB) * 1024;
    const { counters } = tracked;
    rows.push(
      row({
        id: "4",
        measure: `${measure}: peak RSS`,
        plain: formatBytes(plain.maxRssKiB * 1024),
        instrumented: formatBytes(tracked.maxRssKiB * 1024),
        difference: `${diffBytes < 0 ? "-" : "+"}${formatBytes(Math.abs(diffBytes))}`,
        goal: "< 64 MiB over plain",
        result: below(diffBytes, GOAL_RSS_BYTES, formatBytes),
        notes:
          `median of ${tracked.runs}; the calls took ${formatMs(tracked.callsMs)} ` +
          `(plain ${formatMs(plain.callsMs)}); ${endNote(flood, plain, tracked)}`,
      }),
    );
    rows.push(
      row({
        id: "4",
        measure: `${measure}: requests in flight, most at once`,
        instrumented: String(counters.maxInFlightSeen),
        goal: `≤ ${MAX_IN_FLIGHT} (documented bound)`,
        result:
          counters.maxInFlightSeen <= MAX_IN_FLIGHT
            ? "met"
            : `**missed** by ${counters.maxInFlightSeen - MAX_IN_FLIGHT}`,
        notes: `${outcomeNote(counters)}, errors ${counters.errors}; ${spoolNote(counters)}`,
      }),
    );
  }
  return rows;
}

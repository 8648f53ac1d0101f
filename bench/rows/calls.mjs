// Rows 1a-1d: the call cost.
import { formatCount, formatNs, signed } from "../lib/stats.mjs";
import { below, percent, row } from "./common.mjs";

// The goals of the issue: off, under 5 ns over plain whatever the argument; on, under 1 µs
// over plain for the small argument. Both "on" paths are judged: a tight loop takes the first.
const OFF_GOAL = { ns: 5, text: "< 5 ns over plain" };
const ON_GOAL = { ns: 1000, text: "< 1 µs over plain" };

const total = (rounds, key) => rounds.reduce((sum, round) => sum + round[key], 0);

function dropNote(rounds) {
  const calls = total(rounds, "calls");
  return (
    `${percent(total(rounds, "droppedDuringRun"), calls)} of ${formatCount(calls)} calls ` +
    `dropped at the queue (queue-full); ${formatCount(total(rounds, "sent"))} sent by the ` +
    "flush after the run"
  );
}

function drainNote(rounds) {
  return (
    `${formatCount(total(rounds, "sent"))} sent, ${formatCount(total(rounds, "dropped"))} ` +
    `dropped, ${formatCount(total(rounds, "failed"))} failed`
  );
}

export function callRows(calls) {
  const args = [
    ["small", "small string", ON_GOAL],
    ["object", `${calls.objectBytes} B object`, undefined],
  ];
  const modes = [
    ["1a", "off", "call, off (`DO_NOT_TRACK=1`)", () => OFF_GOAL, () => ""],
    ["1b", "drop", "call, on, queue full (drop path)", (goal) => goal, dropNote],
    [
      "1c",
      "drain",
      `call, on, queue draining (${calls.drain.batch} calls per flush)`,
      (goal) => goal,
      drainNote,
    ],
  ];

  const rows = [];
  for (const [id, mode, label, goalOf, noteOf] of modes) {
    for (const [arg, argLabel, onGoal] of args) {
      const figure = calls[mode][arg];
      const goal = goalOf(onGoal);
      const spread =
        `± ${formatNs(figure.madNs)} (median abs. deviation), ` +
        `${formatCount(figure.samples)} samples, ${calls.rounds} processes`;
      const counted = noteOf(calls[mode].counters);
      rows.push(
        row({
          id,
          measure: `${label}, ${argLabel}`,
          plain: formatNs(figure.plainNs),
          instrumented: formatNs(figure.ns),
          difference: signed(formatNs(figure.diffNs), figure.diffNs),
          goal: goal?.text,
          result: goal === undefined ? undefined : below(figure.diffNs, goal.ns, formatNs),
          notes: counted === "" ? spread : `${counted}; ${spread}`,
        }),
      );
    }
  }
  for (const [arg, argLabel] of args) {
    rows.push(
      row({
        id: "1d",
        measure: `delivered: call, send and answer, per record, ${argLabel}`,
        instrumented: formatNs(calls.delivered[arg].ns),
        notes:
          `wall time of ${calls.drain.batch} calls and the flush that delivers them, ` +
          `divided by ${calls.drain.batch}`,
      }),
    );
  }
  return rows;
}

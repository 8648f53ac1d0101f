// 1. Call cost: ns per call of the plain method and of the instrumented one, off and on, for a
// small string and a 1 KB object argument. Each mode runs in fresh processes (settings are
// read at load), each process measures the plain method beside the instrumented one, and
// every difference is taken inside one process before the median across processes.
import { join } from "node:path";
import { median } from "../lib/stats.mjs";
import { benchRoot, childEnv, expectSuccess, freshHome, lastJson, runNode } from "../lib/work.mjs";

const CHILD = join(benchRoot, "children", "calls-child.mjs");
const CHILD_TIMEOUT_MS = 120_000;
const ROUNDS = 3;

/** What each mode runs; `batch` is the number of calls one sample times. */
const MODES = {
  off: { env: () => ({ DO_NOT_TRACK: "1" }), batch: 1000, timeMs: 400, warmupMs: 200 },
  drop: {
    env: (url) => ({ ACCESS_TELEMETRY_SERVER_URL: url }),
    batch: 1000,
    timeMs: 400,
    warmupMs: 200,
  },
  drain: {
    env: (url) => ({ ACCESS_TELEMETRY_SERVER_URL: url }),
    batch: 100,
    timeMs: 1,
    warmupMs: 1,
  },
};

async function runRound(dir, mode, serverUrl) {
  const { env, batch, timeMs, warmupMs } = MODES[mode];
  const options = JSON.stringify({ dir, mode, batch, timeMs, warmupMs });
  const result = await runNode([CHILD, options], {
    // A fresh home per round: records one round spools are not resent during the next.
    env: childEnv(env(serverUrl), freshHome(`calls-${mode}`)),
    timeoutMs: CHILD_TIMEOUT_MS,
  });
  return lastJson(expectSuccess(result, `calls-child (${mode})`), `calls-child (${mode})`);
}

/** Median over rounds of one task's per-round median, and of its difference to plain. */
function taskFigures(rounds, task, plainTask) {
  return {
    ns: median(rounds.map((round) => round.tasks[task].medianNs)),
    plainNs: median(rounds.map((round) => round.tasks[plainTask].medianNs)),
    diffNs: median(
      rounds.map((round) => round.tasks[task].medianNs - round.tasks[plainTask].medianNs),
    ),
    madNs: median(rounds.map((round) => round.tasks[task].madNs)),
    samples: rounds.reduce((sum, round) => sum + round.tasks[task].samples, 0),
  };
}

// The counters of the measured part of a round: from just before tinybench started (after the
// drain mode's warm-up) to the end, the final flush included.
function roundCounters(round) {
  const before = round.countersBefore;
  return {
    calls: round.trackedCalls,
    droppedDuringRun: round.countersAfterRun.dropped - before.dropped,
    sent: round.counters.sent - before.sent,
    dropped: round.counters.dropped - before.dropped,
    failed: round.counters.failed - before.failed,
  };
}

/**
 * Runs every mode ROUNDS times (rounds interleaved, so a slow spell of the machine touches all
 * modes alike) and returns the figures per mode and argument.
 */
export async function measureCalls({ callDir, collector }) {
  const rounds = { off: [], drop: [], drain: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const mode of Object.keys(MODES)) {
      rounds[mode].push(await runRound(callDir, mode, collector.url));
    }
  }

  const figures = {};
  for (const mode of Object.keys(MODES)) {
    figures[mode] = {
      batch: MODES[mode].batch,
      small: taskFigures(rounds[mode], "tracked:small", "plain:small"),
      object: taskFigures(rounds[mode], "tracked:object", "plain:object"),
      counters: rounds[mode].map(roundCounters),
    };
  }
  const drain = rounds.drain;
  figures.delivered = {
    small: taskFigures(drain, "delivered:small", "plain:small"),
    object: taskFigures(drain, "delivered:object", "plain:object"),
  };
  figures.objectBytes = rounds.off[0].objectBytes;
  figures.rounds = ROUNDS;
  return figures;
}

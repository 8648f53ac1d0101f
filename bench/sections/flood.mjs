// 4. Flood: a million tracked calls against the healthy collector, in one tight loop and with a
// turn of the event loop every 1,000 calls; peak RSS against the same loop on the plain build,
// the most requests in flight, what was sent, dropped and failed, and whether the process
// ended by itself (it is killed after KILL_AFTER_MS, and that is reported).
import { join } from "node:path";
import { median } from "../lib/stats.mjs";
import { benchRoot, childEnv, freshHome, runNode } from "../lib/work.mjs";

const SCRIPT = join(benchRoot, "children", "flood-script.cjs");
export const FLOOD_CALLS = 1_000_000;
const KILL_AFTER_MS = 60_000;
const ROUNDS = 3;

export const FLOOD_VARIANTS = { tight: 0, yielding: 1000 };

async function runOnce(callDir, build, yieldEvery, url) {
  const module = join(callDir, build === "plain" ? "out-tsc" : "out", "codec.js");
  const result = await runNode([SCRIPT, module, String(FLOOD_CALLS), String(yieldEvery)], {
    env: childEnv({ ACCESS_TELEMETRY_SERVER_URL: url }, freshHome(`flood-${build}`)),
    timeoutMs: KILL_AFTER_MS,
  });
  if (result.timedOut) return { killed: true, wallMs: result.wallMs };
  if (result.code !== 0) {
    throw new Error(`flood (${build}) exited with ${result.code}\n${result.stderr}`);
  }
  const lines = result.stdout.trim().split("\n");
  return { killed: false, wallMs: result.wallMs, ...JSON.parse(lines[lines.length - 1]) };
}

// Times and RSS are medians over the runs; the counters are those of the run of median wall
// time (one run's counters add up), with the most requests in flight taken over every run.
function summarise(runs) {
  const finished = runs.filter((run) => !run.killed);
  const pick = (read) => (finished.length === 0 ? undefined : median(finished.map(read)));
  const typical = [...finished].sort((a, b) => a.wallMs - b.wallMs)[finished.length >> 1];
  return {
    runs: runs.length,
    killed: runs.length - finished.length,
    maxRssKiB: pick((run) => run.maxRssKiB),
    callsMs: pick((run) => run.callsMs),
    exitAfterCallsMs: pick((run) => run.exitAfterCallsMs),
    wallMs: pick((run) => run.wallMs),
    counters:
      typical?.counters == null
        ? null
        : {
            ...typical.counters,
            maxInFlightSeen: Math.max(...finished.map((run) => run.counters.maxInFlightSeen)),
          },
  };
}

export async function measureFlood({ callDir, collector }) {
  const figures = { calls: FLOOD_CALLS, killAfterMs: KILL_AFTER_MS, variants: {} };
  for (const [variant, yieldEvery] of Object.entries(FLOOD_VARIANTS)) {
    const runs = { plain: [], tracked: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const build of ["plain", "tracked"]) {
        runs[build].push(await runOnce(callDir, build, yieldEvery, collector.url));
      }
    }
    figures.variants[variant] = {
      yieldEvery,
      plain: summarise(runs.plain),
      tracked: summarise(runs.tracked),
    };
  }
  return figures;
}

// 3. Exit cost: wall time of a script that makes ten tracked calls and ends, against the same
// script on the plain build, for every server state (lib/servers.mjs says what each means) and
// with telemetry off. Runs are interleaved round by round; the first round is a warm-up.
import { join } from "node:path";
import { median } from "../lib/stats.mjs";
import { benchRoot, childEnv, expectSuccess, freshHome, lastJson, runNode } from "../lib/work.mjs";

const SCRIPT = join(benchRoot, "children", "exit-script.cjs");
const ROUNDS = 20;
const RUN_TIMEOUT_MS = 15_000;

export const EXIT_STATES = ["healthy", "hanging", "refusing", "absent", "off"];

function runOf(callDir, state, urls) {
  if (state === "plain") return { module: join(callDir, "out-tsc", "codec.js"), env: {} };
  const module = join(callDir, "out", "codec.js");
  if (state === "off") return { module, env: { DO_NOT_TRACK: "1" } };
  return { module, env: { ACCESS_TELEMETRY_SERVER_URL: urls[state] } };
}

async function runOnce(callDir, state, urls, home, report = false) {
  const { module, env } = runOf(callDir, state, urls);
  const extra = report ? { BENCH_REPORT: "1" } : {};
  const result = await runNode([SCRIPT, module], {
    env: childEnv({ ...env, ...extra }, home),
    timeoutMs: RUN_TIMEOUT_MS,
  });
  return expectSuccess(result, `exit script (${state})`);
}

/** `urls`: the server URL of each state but "off". */
export async function measureExit({ callDir, urls }) {
  const states = ["plain", ...EXIT_STATES];
  const wall = Object.fromEntries(states.map((state) => [state, []]));
  // One home per state, kept across its runs: what a run could not deliver waits in that
  // state's spool and the next run tries it again, as for a user whose server stays down.
  const homes = Object.fromEntries(states.map((state) => [state, freshHome(`exit-${state}`)]));
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const state of states) {
      const result = await runOnce(callDir, state, urls, homes[state]);
      if (round > 0) wall[state].push(result.wallMs);
    }
  }

  // One more run per state, reporting the counters (untimed).
  const counters = {};
  for (const state of EXIT_STATES) {
    const result = await runOnce(callDir, state, urls, homes[state], true);
    counters[state] = lastJson(result, `exit script (${state})`).counters;
  }

  const plainMs = median(wall.plain);
  const figures = { rounds: ROUNDS, plainMs, states: {} };
  for (const state of EXIT_STATES) {
    // The difference is paired round by round (each state's run against the plain run of the
    // same round), so a slow spell of the machine cancels out.
    const diffMs = median(wall[state].map((ms, round) => ms - wall.plain[round]));
    figures.states[state] = { ms: median(wall[state]), diffMs, counters: counters[state] };
  }
  return figures;
}

// The one table: every figure beside its plain counterpart, the goal from the issue, and
// whether it was met (and by how much it was missed). Also the machine it ran on.
import { cpus, loadavg, release, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatBytes, formatCount, formatMs, formatNs, formatRatio, signed } from "./stats.mjs";
import { repoModules } from "./work.mjs";

const DASH = "–";

function versionOf(name) {
  return JSON.parse(readFileSync(join(repoModules, name, "package.json"), "utf8")).version;
}

export function machine(startedAt, loadAtStart) {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? "unknown",
    cores: cores.length,
    memory: formatBytes(totalmem()),
    os: `${process.platform} ${release()}`,
    node: process.version,
    typescript: versionOf("typescript"),
    tsPatch: versionOf("ts-patch"),
    tinybench: versionOf("tinybench"),
    date: startedAt.toISOString(),
    loadAtStart,
    loadAtEnd: loadavg().map((value) => value.toFixed(2)),
  };
}

/** "met" or "missed by <how much>" for a value that must stay below `limit`. */
function below(value, limit, format) {
  return value < limit ? "met" : `**missed** by ${format(value - limit)}`;
}

function percent(part, whole) {
  return whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

function callRows(calls) {
  const rows = [];
  const bytes = `${calls.objectBytes} B`;
  const args = [
    ["small", "small string"],
    ["object", `${bytes} object`],
  ];
  const dropNote = (counters) => {
    const calls = counters.reduce((sum, round) => sum + round.calls, 0);
    const dropped = counters.reduce((sum, round) => sum + round.droppedDuringRun, 0);
    const sent = counters.reduce((sum, round) => sum + round.sent, 0);
    return (
      `${percent(dropped, calls)} of ${formatCount(calls)} calls dropped at the queue ` +
      `(queue-full); ${formatCount(sent)} sent by the flush after the run`
    );
  };
  const drainNote = (counters) => {
    const dropped = counters.reduce((sum, round) => sum + round.dropped, 0);
    const sent = counters.reduce((sum, round) => sum + round.sent, 0);
    const failed = counters.reduce((sum, round) => sum + round.failed, 0);
    return `${formatCount(sent)} sent, ${formatCount(dropped)} dropped, ${formatCount(failed)} failed`;
  };
  // The goals of the issue: off, under 5 ns over plain for any argument; on, under 1 µs over
  // plain for the small argument (both "on" paths are judged: a tight loop takes the first).
  const onGoal = (arg) => (arg === "small" ? 1000 : undefined);
  const modes = [
    ["1a", "off", "call, off (`DO_NOT_TRACK=1`)", () => 5],
    ["1b", "drop", "call, on, queue full (drop path)", onGoal],
    ["1c", "drain", `call, on, queue draining (${calls.drain.batch} calls per flush)`, onGoal],
  ];
  for (const [id, mode, label, goalOf] of modes) {
    for (const [arg, argLabel] of args) {
      const figure = calls[mode][arg];
      const goal = goalOf(arg);
      let result = DASH;
      if (goal !== undefined) result = below(figure.diffNs, goal, formatNs);
      let note = `± ${formatNs(figure.madNs)} (median abs. deviation), ${formatCount(figure.samples)} samples`;
      if (mode === "drop") note = `${dropNote(calls[mode].counters)}; ${note}`;
      if (mode === "drain") note = `${drainNote(calls[mode].counters)}; ${note}`;
      rows.push([
        id,
        `${label}, ${argLabel}`,
        formatNs(figure.plainNs),
        formatNs(figure.ns),
        signed(formatNs(figure.diffNs), figure.diffNs),
        goal === undefined ? DASH : `< ${formatNs(goal)} over plain`,
        result,
        note,
      ]);
    }
  }
  for (const [arg, argLabel] of args) {
    const figure = calls.delivered[arg];
    rows.push([
      "1d",
      `delivered: call, send and answer, per record, ${argLabel}`,
      DASH,
      formatNs(figure.ns),
      DASH,
      DASH,
      DASH,
      `wall time of ${calls.drain.batch} calls and the flush that delivers them, / ${calls.drain.batch}`,
    ]);
  }
  return rows;
}

function buildRows(build) {
  const { ms, project } = build;
  const ratio = (a, b) => ms[a] / ms[b];
  const what = `${project.files} files, ${formatCount(project.methods)} methods, ${project.listed} listed`;
  const pluginRatio = ratio("plugin", "noPlugin");
  const tracked = `${build.tracked.plugin} tracking statements emitted (${build.tracked.tsc} without the plugin)`;
  const plainJs = build.emittedJs.tsc.bytes;
  const pluginJs = build.emittedJs.plugin.bytes;
  return [
    [
      "2a",
      `build, tspc + plugin vs tspc without plugins (${what})`,
      formatMs(ms.noPlugin),
      formatMs(ms.plugin),
      formatRatio(pluginRatio),
      "< 1.10x",
      pluginRatio < 1.1 ? "met" : `**missed** by ${(pluginRatio - 1.1).toFixed(2)}x`,
      `median of ${build.rounds}; ${tracked}`,
    ],
    [
      "2b",
      "build, tspc + plugin vs plain tsc",
      formatMs(ms.tsc),
      formatMs(ms.plugin),
      formatRatio(ratio("plugin", "tsc")),
      DASH,
      DASH,
      `median of ${build.rounds}`,
    ],
    [
      "2c",
      "build, tspc without plugins vs plain tsc (ts-patch alone)",
      formatMs(ms.tsc),
      formatMs(ms.noPlugin),
      formatRatio(ratio("noPlugin", "tsc")),
      DASH,
      DASH,
      `median of ${build.rounds}`,
    ],
    [
      "2d",
      "build, emitted JavaScript (.js files)",
      formatBytes(plainJs),
      formatBytes(pluginJs),
      formatRatio(pluginJs / plainJs),
      DASH,
      DASH,
      "every instrumented file declares every service with its function list",
    ],
  ];
}

function exitRows(exit) {
  const labels = {
    healthy: "exit, server healthy",
    hanging: "exit, server hanging (accepts, never answers)",
    refusing: "exit, server refusing (closed port, ECONNREFUSED)",
    absent: "exit, server absent (connect never answered)",
    off: "exit, telemetry off (`DO_NOT_TRACK=1`)",
  };
  return Object.entries(exit.states).map(([state, figure]) => {
    const { counters } = figure;
    const outcome =
      state === "off"
        ? "no record built"
        : `sent ${counters.sent}, failed ${counters.failed}, dropped ${counters.dropped}` +
          `${reasons(counters)}; ${spoolNote(counters)}`;
    return [
      "3",
      labels[state],
      formatMs(exit.plainMs),
      formatMs(figure.ms),
      signed(formatMs(figure.diffMs), figure.diffMs),
      "< 50 ms over plain",
      below(figure.diffMs, 50, formatMs),
      `median of ${exit.rounds}, paired per round; ${outcome}`,
    ];
  });
}

/** The spool's counters, when the runtime has them. */
function spoolNote(counters) {
  if (counters.spooled === undefined) return "no spool counters";
  const lost = Object.entries(counters.lostByReason ?? {})
    .map(([reason, count]) => `${reason} ${formatCount(count)}`)
    .join(", ");
  return (
    `spooled ${formatCount(counters.spooled)}, resent ${formatCount(counters.resent)}, ` +
    `lost ${formatCount(counters.lost)}${lost === "" ? "" : ` (${lost})`}`
  );
}

function reasons(counters) {
  const parts = [
    ...Object.entries(counters.failedByReason),
    ...Object.entries(counters.droppedByReason),
  ].map(([reason, count]) => `${reason} ${count}`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

function floodRows(flood) {
  const rows = [];
  const labels = {
    tight: "flood, one tight loop",
    yielding: `flood, a turn of the event loop every ${formatCount(flood.variants.yielding.yieldEvery)} calls`,
  };
  for (const [variant, { plain, tracked }] of Object.entries(flood.variants)) {
    const label = `${labels[variant]}, ${formatCount(flood.calls)} calls`;
    if (tracked.maxRssKiB === undefined || plain.maxRssKiB === undefined) {
      rows.push([
        "4",
        `${label}: peak RSS`,
        DASH,
        DASH,
        DASH,
        DASH,
        "**killed**",
        `every run was killed after ${formatMs(flood.killAfterMs)}`,
      ]);
      continue;
    }
    const diffBytes = (tracked.maxRssKiB - plain.maxRssKiB) * 1024;
    const { counters } = tracked;
    const killed = tracked.killed + plain.killed;
    const ended =
      killed === 0
        ? `every run ended by itself, ${formatMs(tracked.exitAfterCallsMs)} after its last call`
        : `**${killed} run(s) killed** after ${formatMs(flood.killAfterMs)}`;
    rows.push([
      "4",
      `${label}: peak RSS`,
      formatBytes(plain.maxRssKiB * 1024),
      formatBytes(tracked.maxRssKiB * 1024),
      `${diffBytes < 0 ? "-" : "+"}${formatBytes(Math.abs(diffBytes))}`,
      "< 64 MiB over plain",
      below(diffBytes, 64 * 1024 * 1024, formatBytes),
      `median of ${tracked.runs}; calls took ${formatMs(tracked.callsMs)} (plain ${formatMs(plain.callsMs)}); ${ended}`,
    ]);
    rows.push([
      "4",
      `${label}: requests in flight, most at once`,
      DASH,
      String(counters.maxInFlightSeen),
      DASH,
      "≤ 8 (documented bound)",
      counters.maxInFlightSeen <= 8 ? "met" : `**missed** by ${counters.maxInFlightSeen - 8}`,
      `sent ${formatCount(counters.sent)}, dropped ${formatCount(counters.dropped)}` +
        `${reasons({ failedByReason: {}, droppedByReason: counters.droppedByReason })}, ` +
        `failed ${formatCount(counters.failed)}, errors ${counters.errors}; ${spoolNote(counters)}`,
    ]);
  }
  return rows;
}

function footprintRows(footprint) {
  const { loadMs, sizes } = footprint;
  const size = (figure) => `${formatBytes(figure.bytes)} (${formatCount(figure.files)} files)`;
  const rounds = `median of ${footprint.rounds} fresh processes`;
  return [
    [
      "5",
      'load, `require("access-ts-telemetry")`',
      DASH,
      formatMs(loadMs.require),
      DASH,
      DASH,
      DASH,
      `${rounds}; DO_NOT_TRACK=1: ${formatMs(loadMs.requireOff)}`,
    ],
    [
      "5",
      'load, `import("access-ts-telemetry")` (ESM entry)',
      DASH,
      formatMs(loadMs.import),
      DASH,
      DASH,
      DASH,
      rounds,
    ],
    [
      "5",
      "load, node-fetch (on the first send)",
      DASH,
      formatMs(loadMs.fetch),
      DASH,
      DASH,
      DASH,
      rounds,
    ],
    [
      "5",
      "size, the runtime's production tree (dist/cjs/runtime, dist/esm/runtime, node-fetch and its dependencies)",
      DASH,
      size(sizes.runtimeTree),
      DASH,
      DASH,
      DASH,
      `runtime code ${size(sizes.runtimeCode)}, of which ${formatBytes(sizes.runtimeCodeShipped.bytes)} JavaScript (no maps, no .d.ts); ` +
        `${sizes.runtimeDeps.packages.join(", ")}: ${size(sizes.runtimeDeps)}`,
    ],
    [
      "5",
      "size, the whole package's production tree (all of dist/, ts-patch, yaml and their dependencies)",
      DASH,
      size(sizes.packageTree),
      DASH,
      DASH,
      DASH,
      `package files ${size(sizes.packageFiles)}; ${sizes.packageDeps.packages.length} packages: ${formatBytes(sizes.packageDeps.bytes)}; TypeScript (a peer dependency) not counted`,
    ],
  ];
}

const HEADER = ["#", "measure", "plain", "instrumented", "difference", "goal", "result", "notes"];

function escapeCell(text) {
  return String(text).replace(/\|/g, "\\|");
}

export function resultRows(figures) {
  return [
    ...callRows(figures.calls),
    ...buildRows(figures.build),
    ...exitRows(figures.exit),
    ...floodRows(figures.flood),
    ...footprintRows(figures.footprint),
  ];
}

export function markdownTable(rows) {
  const lines = [HEADER, HEADER.map(() => "---"), ...rows].map(
    (cells) => `| ${cells.map(escapeCell).join(" | ")} |`,
  );
  return `${lines.join("\n")}\n`;
}

export function machineLines(info) {
  return [
    `- CPU: ${info.cpu}, ${info.cores} cores, ${info.memory} memory, ${info.os}`,
    `- Node ${info.node}, TypeScript ${info.typescript}, ts-patch ${info.tsPatch}, tinybench ${info.tinybench}`,
    `- Date: ${info.date}`,
    `- Load average (1, 5, 15 min) at start: ${info.loadAtStart.join(", ")}; at end: ${info.loadAtEnd.join(", ")}`,
  ].join("\n");
}

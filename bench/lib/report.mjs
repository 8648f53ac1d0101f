// The one table, assembled from the rows of each section (bench/rows/), and the machine it
// ran on.
import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildRows } from "../rows/build.mjs";
import { callRows } from "../rows/calls.mjs";
import { COLUMNS } from "../rows/common.mjs";
import { exitRows } from "../rows/exit.mjs";
import { floodRows } from "../rows/flood.mjs";
import { footprintRows } from "../rows/footprint.mjs";
import { formatBytes } from "./stats.mjs";
import { repoModules, repoRoot } from "./work.mjs";

function versionOf(name) {
  return JSON.parse(readFileSync(join(repoModules, name, "package.json"), "utf8")).version;
}

function git(args) {
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/** The commit measured, and whether the measured code had changes not yet committed. */
function revision() {
  const commit = git(["rev-parse", "--short", "HEAD"]);
  if (commit === undefined) return "unknown (not a git checkout)";
  const changed = git(["status", "--porcelain", "--", "runtime", "transformer", "cli"]);
  const dirs = [
    ...new Set(
      (changed ?? "")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(3).split("/")[0]),
    ),
  ];
  return dirs.length === 0
    ? `${commit}`
    : `${commit}, with uncommitted changes in ${dirs.map((dir) => `${dir}/`).join(", ")}`;
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
    revision: revision(),
    loadAtStart,
    loadAtEnd: loadavg().map((value) => value.toFixed(2)),
  };
}

export function machineLines(info) {
  return [
    `- CPU: ${info.cpu}, ${info.cores} cores, ${info.memory} memory, ${info.os}`,
    `- Node ${info.node}, TypeScript ${info.typescript}, ts-patch ${info.tsPatch}, ` +
      `tinybench ${info.tinybench}`,
    `- Date: ${info.date}; code: commit ${info.revision}`,
    `- Load average (1, 5, 15 min) at start: ${info.loadAtStart.join(", ")}; ` +
      `at end: ${info.loadAtEnd.join(", ")}`,
  ].join("\n");
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

const escapeCell = (text) => String(text).replace(/\|/g, "\\|");

export function markdownTable(rows) {
  const header = COLUMNS.map(([, title]) => title);
  const lines = [header, header.map(() => "---"), ...rows].map(
    (cells) => `| ${cells.map(escapeCell).join(" | ")} |`,
  );
  return `${lines.join("\n")}\n`;
}

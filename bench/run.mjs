// `npm run bench`: builds the benchmark's projects under bench/.work, measures the five costs
// of docs/performance.md against the plain program in the same run, prints one table and
// writes it, with the machine, to bench/RESULTS.md and into docs/performance.md.
//
//   node bench/run.mjs            (after npm run build; npm run bench does both)
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { build, writeCallProject } from "./lib/projects.mjs";
import { machine, machineLines, markdownTable, resultRows } from "./lib/report.mjs";
import { refusingUrl, startAbsent, startServer } from "./lib/servers.mjs";
import { formatMs } from "./lib/stats.mjs";
import { benchRoot, prepareWork, repoRoot, workRoot } from "./lib/work.mjs";
import { measureBuild } from "./sections/build.mjs";
import { measureCalls } from "./sections/calls.mjs";
import { measureExit } from "./sections/exit.mjs";
import { measureFlood } from "./sections/flood.mjs";
import { measureFootprint } from "./sections/footprint.mjs";

const RESULTS = join(benchRoot, "RESULTS.md");
const DOCS = join(repoRoot, "docs", "performance.md");
const START_MARK = "<!-- bench results: start -->";
const END_MARK = "<!-- bench results: end -->";

const runStarted = performance.now();

function progress(text) {
  const elapsed = formatMs(performance.now() - runStarted);
  process.stderr.write(`bench [${elapsed}] ${text}\n`);
}

async function section(title, measure) {
  progress(`${title}...`);
  const started = performance.now();
  const figures = await measure();
  progress(`${title} done in ${formatMs(performance.now() - started)}`);
  return figures;
}

async function prepareCallProject() {
  const dir = writeCallProject();
  await build(dir, "plugin");
  await build(dir, "tsc");
  const instrumented = readFileSync(join(dir, "out", "codec.js"), "utf8");
  if ((instrumented.match(/\.trackCall\(/g) ?? []).length !== 2) {
    throw new Error(`${dir}/out/codec.js: expected two tracked methods:\n${instrumented}`);
  }
  return dir;
}

async function format(markdown) {
  try {
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(DOCS)) ?? {};
    return await prettier.format(markdown, { ...options, parser: "markdown" });
  } catch {
    return markdown;
  }
}

async function writeResults(figures, info) {
  const table = markdownTable(resultRows(figures));
  const results = await format(
    `# Benchmark results\n\nWritten by \`npm run bench\` (bench/run.mjs); ` +
      `docs/performance.md explains every row.\n\n${machineLines(info)}\n\n${table}`,
  );
  writeFileSync(RESULTS, results);

  if (existsSync(DOCS)) {
    const docs = readFileSync(DOCS, "utf8");
    const start = docs.indexOf(START_MARK);
    const end = docs.indexOf(END_MARK);
    if (start >= 0 && end > start) {
      const body = `${START_MARK}\n\n${machineLines(info)}\n\n${table}\n${END_MARK}`;
      writeFileSync(
        DOCS,
        await format(docs.slice(0, start) + body + docs.slice(end + END_MARK.length)),
      );
    }
  }
  return results;
}

async function main() {
  const startedAt = new Date();
  const loadAtStart = loadavg().map((value) => value.toFixed(2));
  await prepareWork();
  // The state of the checkout when the build was copied, which is what gets measured.
  const info = machine(startedAt, loadAtStart);
  progress(`building the call project in ${workRoot}`);
  const callDir = await prepareCallProject();

  const servers = [];
  try {
    const collector = await startServer("healthy");
    servers.push(collector);
    const hanging = await startServer("hang");
    servers.push(hanging);
    const absent = await startAbsent();
    servers.push(absent);
    const urls = {
      healthy: collector.url,
      hanging: hanging.url,
      refusing: await refusingUrl(),
      absent: absent.url,
    };

    // The raw figures go to bench/.work/figures.json after every section, for a closer look.
    const figures = {};
    const keep = () =>
      writeFileSync(join(workRoot, "figures.json"), `${JSON.stringify(figures, null, 2)}\n`);
    const sections = [
      ["calls", "1. call cost", () => measureCalls({ callDir, collector })],
      ["build", "2. build cost", () => measureBuild()],
      ["exit", "3. exit cost", () => measureExit({ callDir, urls })],
      ["flood", "4. flood", () => measureFlood({ callDir, collector })],
      ["footprint", "5. footprint", () => measureFootprint()],
    ];
    for (const [key, title, measure] of sections) {
      figures[key] = await section(title, measure);
      keep();
    }
    figures.collectorStored = await collector.stored();

    info.loadAtEnd = loadavg().map((value) => value.toFixed(2));
    figures.machine = info;
    keep();
    const results = await writeResults(figures, info);
    process.stdout.write(results);
    progress(`wrote ${RESULTS}; total ${formatMs(performance.now() - runStarted)}`);
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});

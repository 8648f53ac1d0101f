// Rows 2a-2d: the build cost.
import { formatBytes, formatCount, formatMs, formatRatio } from "../lib/stats.mjs";
import { row } from "./common.mjs";

const GOAL_RATIO = 1.1;

export function buildRows(build) {
  const { ms, project, rounds } = build;
  const what =
    `${project.files} files, ${formatCount(project.methods)} methods, ` +
    `${project.listed} listed`;
  const ratio = (a, b) => ms[a] / ms[b];
  const pluginRatio = ratio("plugin", "noPlugin");
  const median = `median of ${rounds}`;
  const tracked =
    `${build.tracked.plugin} tracking statements emitted ` +
    `(${build.tracked.tsc} without the plugin)`;
  const { plugin: pluginJs, tsc: plainJs } = build.emittedJs;
  return [
    row({
      id: "2a",
      measure: `build, tspc + plugin vs tspc without plugins (${what})`,
      plain: formatMs(ms.noPlugin),
      instrumented: formatMs(ms.plugin),
      difference: formatRatio(pluginRatio),
      goal: `< ${formatRatio(GOAL_RATIO)}`,
      result:
        pluginRatio < GOAL_RATIO
          ? "met"
          : `**missed** by ${(pluginRatio - GOAL_RATIO).toFixed(2)}x`,
      notes: `${median}; ${tracked}`,
    }),
    row({
      id: "2b",
      measure: "build, tspc + plugin vs plain tsc",
      plain: formatMs(ms.tsc),
      instrumented: formatMs(ms.plugin),
      difference: formatRatio(ratio("plugin", "tsc")),
      notes: median,
    }),
    row({
      id: "2c",
      measure: "build, tspc without plugins vs plain tsc (ts-patch alone)",
      plain: formatMs(ms.tsc),
      instrumented: formatMs(ms.noPlugin),
      difference: formatRatio(ratio("noPlugin", "tsc")),
      notes: median,
    }),
    row({
      id: "2d",
      measure: "build, emitted JavaScript (.js files)",
      plain: formatBytes(plainJs.bytes),
      instrumented: formatBytes(pluginJs.bytes),
      difference: formatRatio(pluginJs.bytes / plainJs.bytes),
      notes: "every instrumented file declares every service with its function list",
    }),
  ];
}

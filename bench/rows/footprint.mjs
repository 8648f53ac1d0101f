// Row 5: load times and sizes.
import { formatBytes, formatCount, formatMs } from "../lib/stats.mjs";
import { row } from "./common.mjs";

const size = (figure) => `${formatBytes(figure.bytes)} (${formatCount(figure.files)} files)`;

export function footprintRows(footprint) {
  const { loadMs, sizes, rounds } = footprint;
  const median = `median of ${rounds} fresh processes`;
  return [
    row({
      id: "5",
      measure: 'load, `require("access-ts-telemetry")`',
      instrumented: formatMs(loadMs.require),
      notes: `${median}; with DO_NOT_TRACK=1: ${formatMs(loadMs.requireOff)}`,
    }),
    row({
      id: "5",
      measure: 'load, `import("access-ts-telemetry")` (ESM entry)',
      instrumented: formatMs(loadMs.import),
      notes: median,
    }),
    row({
      id: "5",
      measure: "load, node-fetch (on the first send)",
      instrumented: formatMs(loadMs.fetch),
      notes: median,
    }),
    row({
      id: "5",
      measure:
        "size, the runtime's production tree (dist/cjs/runtime, dist/esm/runtime, " +
        "node-fetch and its dependencies)",
      instrumented: size(sizes.runtimeTree),
      notes:
        `runtime code ${size(sizes.runtimeCode)}, of which ` +
        `${formatBytes(sizes.runtimeCodeShipped.bytes)} JavaScript (no maps, no .d.ts); ` +
        `${sizes.runtimeDeps.packages.join(", ")}: ${size(sizes.runtimeDeps)}`,
    }),
    row({
      id: "5",
      measure:
        "size, the whole package's production tree (all of dist/, ts-patch, yaml and their " +
        "dependencies)",
      instrumented: size(sizes.packageTree),
      notes:
        `package files ${size(sizes.packageFiles)}; ${sizes.packageDeps.packages.length} ` +
        `packages: ${size(sizes.packageDeps)}; TypeScript (a peer dependency) not counted`,
    }),
  ];
}

// Small statistics and number formatting shared by the sections.

export function median(values) {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median and the spread between the lowest and the highest value. */
export function summary(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

export function formatNs(ns) {
  if (Math.abs(ns) >= 10_000) return `${(ns / 1000).toFixed(1)} µs`;
  if (Math.abs(ns) >= 1000) return `${(ns / 1000).toFixed(2)} µs`;
  if (Math.abs(ns) >= 100) return `${ns.toFixed(0)} ns`;
  return `${ns.toFixed(1)} ns`;
}

export function formatMs(ms) {
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (Math.abs(ms) >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** A difference with its sign: `+3.1 ns`, `-0.4 ns`. */
export function signed(text, value) {
  return value >= 0 ? `+${text}` : text;
}

export function formatBytes(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} B`;
}

export function formatCount(count) {
  return count.toLocaleString("en-US");
}

export function formatRatio(ratio) {
  return `${ratio.toFixed(2)}x`;
}

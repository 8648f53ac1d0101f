// A small source-map reader: base64 VLQ decoding of `mappings`, and line lookups on top of it.
import { readFileSync } from "node:fs";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes one segment ("AAAA", "kBAAE") into its signed integers. */
export function decodeVlq(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new Error(`not a base64 VLQ digit: ${JSON.stringify(char)}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  if (shift !== 0) throw new Error(`unterminated VLQ segment: ${segment}`);
  return values;
}

/**
 * The segments of every generated line (0-based), with absolute positions:
 * `{ column, source, line, originalColumn }` (all 0-based; source is an index into `sources`).
 */
export function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let line = 0;
  let originalColumn = 0;
  for (const text of mappings.split(";")) {
    const segments = [];
    let column = 0;
    for (const segment of text.split(",")) {
      if (segment === "") continue;
      const fields = decodeVlq(segment);
      column += fields[0];
      if (fields.length >= 4) {
        source += fields[1];
        line += fields[2];
        originalColumn += fields[3];
        segments.push({ column, source, line, originalColumn });
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** The original lines (0-based) and sources the generated line `generatedLine` maps to. */
export function originalLines(mapFile, generatedLine) {
  const map = JSON.parse(readFileSync(mapFile, "utf8"));
  const segments = decodeMappings(map.mappings)[generatedLine] ?? [];
  return segments.map((segment) => ({ source: map.sources[segment.source], line: segment.line }));
}

/** The 0-based index of the only line of `text` containing `marker`; throws unless exactly one. */
export function lineOf(text, marker) {
  const found = text
    .split("\n")
    .map((line, index) => (line.includes(marker) ? index : -1))
    .filter((index) => index >= 0);
  if (found.length !== 1) throw new Error(`${JSON.stringify(marker)} is on ${found.length} lines`);
  return found[0];
}

// Loads config.yaml into a read-only model: services with located entries, and every problem.
import { readFileSync } from "node:fs";
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { checkEndpointKey, parseEntry } from "./config-names.js";
import type {
  ConfigEntry,
  ConfigModel,
  ConfigProblem,
  ConfigProblemCode,
  ConfigService,
  ProblemSeverity,
  SourceLocation,
} from "./types.js";

type Range = readonly [number, number, number?] | null | undefined;

interface LoadState {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly services: ConfigService[];
  readonly problems: ConfigProblem[];
  readonly serviceOrigins: Map<string, { readonly endpoint: string; readonly at: SourceLocation }>;
}

/** Reads and validates a config file; an unreadable file becomes a problem, never a throw. */
export function readConfig(file: string): ConfigModel {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const location = { file, line: 1, column: 1, offset: 0, length: 0 };
    const message = `cannot read the config file (${reason}); expected a config.yaml at this path`;
    const problem: ConfigProblem = { severity: "error", code: "unreadable", message, location };
    return { file, text: "", services: [], problems: [problem] };
  }
  return parseConfig(text, file);
}

/** Validates config.yaml text; `file` is only used to locate problems. */
export function parseConfig(text: string, file: string): ConfigModel {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const state: LoadState = {
    file,
    doc,
    lines,
    services: [],
    problems: [],
    serviceOrigins: new Map(),
  };

  for (const error of doc.errors) {
    addProblem(state, "error", "yaml-syntax", `invalid YAML: ${error.message}`, error.pos);
  }
  for (const warning of doc.warnings) {
    addProblem(state, "warning", "yaml-syntax", `YAML: ${warning.message}`, warning.pos);
  }

  if (doc.errors.length === 0) collectRoot(state);
  return { file, text, services: state.services, problems: state.problems };
}

function collectRoot(state: LoadState): void {
  const root = resolveAlias(state, state.doc.contents, undefined);
  if (root === MISSING) return;

  if (isNothing(root)) {
    const message =
      "the config is empty: expected a mapping of service groups to endpoints, e.g. `mypackage: { run: [Experiment.run] }`";
    addProblem(state, "error", "not-a-mapping", message, [0, 0]);
    return;
  }
  if (!isMap(root)) {
    const message = `expected a mapping of service groups at the top level, found ${describe(root)}`;
    addProblem(state, "error", "not-a-mapping", message, rangeOf(root));
    return;
  }
  if (root.items.length === 0) {
    addProblem(
      state,
      "warning",
      "empty",
      "the config maps no services: nothing is tracked",
      root.range,
    );
  }
  collectMapping(state, root, []);
}

function collectMapping(state: LoadState, map: YAMLMap, path: readonly string[]): void {
  for (const pair of map.items) {
    const key = readKey(state, pair);
    if (key === undefined) continue;

    const keyPath = [...path, key.text];
    const value = resolveAlias(state, pair.value, key.range);
    if (value === MISSING) continue;

    if (isSeq(value)) {
      collectService(state, keyPath, key.range, value);
    } else if (isMap(value)) {
      if (value.items.length === 0) {
        const message = `"${keyPath.join("/")}" maps no endpoints: nothing under it is tracked`;
        addProblem(state, "warning", "empty", message, key.range);
      }
      collectMapping(state, value, keyPath);
    } else {
      const message = `expected a list of entries or a mapping of endpoints under "${keyPath.join("/")}", found ${describe(value)}`;
      const range = isNothing(value) ? key.range : (rangeOf(value) ?? key.range);
      addProblem(state, "error", "not-mapping-or-list", message, range);
    }
  }
}

function readKey(
  state: LoadState,
  pair: Pair<unknown, unknown>,
): { text: string; range: Range } | undefined {
  const key = pair.key;
  if (!isScalar(key) || isNothing(key) || typeof key.value === "object") {
    const found = isNothing(key) ? "an empty key" : describe(key);
    const message = `expected a key made of letters, digits, "_" or "-", found ${found}`;
    addProblem(state, "error", "invalid-key", message, rangeOf(key) ?? rangeOf(pair.value));
    return undefined;
  }

  const text = typeof key.source === "string" ? key.source : String(key.value);
  const problem = checkEndpointKey(text);
  if (problem !== undefined) {
    addProblem(state, "error", "invalid-key", problem, key.range);
    return undefined;
  }
  return { text, range: key.range };
}

function collectService(
  state: LoadState,
  path: string[],
  keyRange: Range,
  seq: YAMLSeq<unknown>,
): void {
  const name = path.join("_");
  const endpoint = path.join("/");
  const location = locate(state, keyRange);

  const origin = state.serviceOrigins.get(name);
  if (origin !== undefined) {
    const first = `${origin.at.line}:${origin.at.column}`;
    const message = `service name "${name}" (endpoint "${endpoint}") is already produced by endpoint "${origin.endpoint}" at ${first}; rename one of the keys so the names differ`;
    addProblem(state, "error", "duplicate-service", message, keyRange);
    return;
  }
  state.serviceOrigins.set(name, { endpoint, at: location });

  const entries = collectEntries(state, name, seq);
  if (seq.items.length === 0) {
    const message = `service "${name}" lists no functions: expected at least one entry such as "Experiment.run"`;
    addProblem(state, "warning", "empty", message, seq.range ?? keyRange);
  }
  state.services.push({ name, endpoint, path, entries, location });
}

function collectEntries(state: LoadState, service: string, seq: YAMLSeq<unknown>): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const seen = new Map<string, SourceLocation>();

  for (const item of seq.items) {
    const node = resolveAlias(state, item, seq.range);
    if (node === MISSING) continue;

    const range = isNothing(node) ? (rangeOf(item) ?? seq.range) : (rangeOf(node) ?? seq.range);
    if (!isScalar(node) || typeof node.value !== "string") {
      const message = `expected a string entry such as "Experiment.run" or "save_all" in service "${service}", found ${describe(node)}`;
      addProblem(state, "error", "invalid-entry", message, range);
      continue;
    }

    const parsed = parseEntry(node.value);
    if (typeof parsed === "string") {
      addProblem(state, "error", "invalid-entry", parsed, range);
      continue;
    }

    const location = locate(state, range);
    const first = seen.get(node.value);
    if (first !== undefined) {
      const message = `"${node.value}" is listed twice in service "${service}" (first at ${first.line}:${first.column}); the repeat is ignored`;
      addProblem(state, "warning", "duplicate-entry", message, range);
      continue;
    }
    seen.set(node.value, location);
    entries.push({
      name: node.value,
      owner: parsed.owner,
      member: parsed.member,
      service,
      location,
    });
  }
  return entries;
}

const MISSING = Symbol("missing anchor");

// Follows `*alias` to its anchored node; MISSING (after a problem) when the anchor is missing.
function resolveAlias(state: LoadState, node: unknown, fallback: Range): unknown {
  if (!isAlias(node)) return node;
  const target: unknown = node.resolve(state.doc);
  if (target === undefined) {
    const message = `alias "*${node.source}" refers to no anchor: expected an "&${node.source}" earlier in the file`;
    addProblem(state, "error", "yaml-syntax", message, node.range ?? fallback);
    return MISSING;
  }
  return target;
}

function isNothing(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function rangeOf(node: unknown): Range {
  return isScalar(node) || isMap(node) || isSeq(node) || isAlias(node) ? node.range : undefined;
}

function describe(node: unknown): string {
  if (isNothing(node)) return "nothing (null)";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    if (typeof node.value === "string") return `the string ${JSON.stringify(node.value)}`;
    return `the ${typeof node.value} ${String(node.value)}`;
  }
  return "an unsupported YAML node";
}

function locate(state: LoadState, range: Range): SourceLocation {
  const offset = range ? range[0] : 0;
  const end = range ? range[1] : 0;
  const { line, col } = state.lines.linePos(offset);
  return { file: state.file, line, column: col, offset, length: Math.max(0, end - offset) };
}

function addProblem(
  state: LoadState,
  severity: ProblemSeverity,
  code: ConfigProblemCode,
  message: string,
  range: Range,
): void {
  state.problems.push({ severity, code, message, location: locate(state, range) });
}

// What `check` reads before matching: the project's TypeScript, its tsconfig, the
// access-ts-telemetry plugin entries in it (also inherited through `extends`, also in referenced
// projects of a solution tsconfig) and the config.yaml of each entry.
import { existsSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type * as TS from "typescript";
import { readConfig } from "../transformer/config-load.js";
import { resolveOptions } from "../transformer/options.js";
import type { ConfigModel, PluginOptions, Ts } from "../transformer/types.js";

export const TRANSFORMER_SPECIFIER = "access-ts-telemetry/transformer";

/** A place a problem points at; `line` and `column` count from 1 and are absent for a whole file. */
export interface ProblemLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

export interface CheckProblem extends ProblemLocation {
  readonly severity: "error" | "warning";
  readonly message: string;
}

export interface LoadedTypeScript {
  readonly ts: Ts;
  readonly version: string;
  /** Where it came from: the checked project's own dependency, or this package's. */
  readonly source: "project" | "package";
}

/** One plugin entry of one tsconfig, with its validated options and config.yaml. */
export interface CheckedEntry {
  readonly tsconfig: string;
  readonly projectDir: string;
  readonly options: PluginOptions;
  readonly config: ConfigModel;
  readonly parsed: TS.ParsedCommandLine;
}

export interface LoadedProjects {
  readonly entries: readonly CheckedEntry[];
  readonly problems: readonly CheckProblem[];
}

/**
 * The TypeScript the project builds with (resolved from its directory, as tspc would find it),
 * or the one this package depends on when the project has none.
 */
export function loadTypeScript(projectDir: string): LoadedTypeScript {
  const fromProject = tryResolve(join(projectDir, "package.json"), "typescript");
  const path = fromProject ?? require.resolve("typescript");
  const ts: Ts = require(path);
  return { ts, version: ts.version, source: fromProject === undefined ? "package" : "project" };
}

/** `-p` as tsc reads it: a tsconfig file, or a directory holding `tsconfig.json`. */
export function resolveTsconfigPath(project: string, cwd: string): string {
  const path = resolve(cwd, project);
  return existsSync(path) && statSync(path).isDirectory() ? join(path, "tsconfig.json") : path;
}

/**
 * Reads `tsconfigPath` and collects its plugin entries with their config. A solution tsconfig
 * (no entry of its own, only `references`) stands for the entries of the projects it references.
 */
export function loadProjects(ts: Ts, tsconfigPath: string): LoadedProjects {
  const entries: CheckedEntry[] = [];
  const problems: CheckProblem[] = [];
  const visited = new Set<string>();

  const visit = (path: string, referencedFrom: ProblemLocation | undefined): void => {
    if (visited.has(path)) return;
    visited.add(path);
    if (!existsSync(path)) {
      const where = referencedFrom ?? { file: path };
      problems.push({ ...where, severity: "error", message: `cannot find the tsconfig ${path}` });
      return;
    }

    const parsed = parseTsconfig(ts, path, problems);
    if (parsed === undefined) return;
    const own = pluginEntries(ts, parsed, path, problems);
    if (own.found > 0) {
      entries.push(...own.entries);
      return;
    }
    const references = parsed.projectReferences ?? [];
    if (references.length === 0) {
      const message = `no "${TRANSFORMER_SPECIFIER}" entry in compilerOptions.plugins (nor in a tsconfig it extends): add { "transform": "${TRANSFORMER_SPECIFIER}", "config": "./config.yaml" }`;
      problems.push({ file: path, severity: "error", message });
      return;
    }
    for (const reference of references) {
      visit(ts.resolveProjectReferencePath(reference), { file: path });
    }
  };

  visit(tsconfigPath, undefined);
  return { entries, problems };
}

function parseTsconfig(
  ts: Ts,
  path: string,
  problems: CheckProblem[],
): TS.ParsedCommandLine | undefined {
  const syntax = ts.readConfigFile(path, ts.sys.readFile).error;
  if (syntax !== undefined) {
    problems.push(fromDiagnostic(ts, syntax, path));
    return undefined;
  }
  const source = ts.readJsonConfigFile(path, ts.sys.readFile);
  const parsed = ts.parseJsonSourceFileConfigFileContent(
    source,
    ts.sys,
    dirname(path),
    undefined,
    path,
  );
  // 18003 "No inputs were found": an empty program only means that every entry is unmatched.
  const errors = parsed.errors.filter(
    (diagnostic) =>
      diagnostic.category === ts.DiagnosticCategory.Error && diagnostic.code !== 18003,
  );
  for (const diagnostic of errors) problems.push(fromDiagnostic(ts, diagnostic, path));
  return errors.length > 0 ? undefined : parsed;
}

function pluginEntries(
  ts: Ts,
  parsed: TS.ParsedCommandLine,
  tsconfig: string,
  problems: CheckProblem[],
): { readonly found: number; readonly entries: readonly CheckedEntry[] } {
  const projectDir = dirname(tsconfig);
  const plugins: readonly unknown[] = Array.isArray(parsed.options.plugins)
    ? parsed.options.plugins
    : [];
  const located = locatePlugins(ts, tsconfig, plugins);
  const entries: CheckedEntry[] = [];
  let found = 0;

  plugins.forEach((plugin, index) => {
    if (!isRecord(plugin) || !isTransformerEntry(plugin["transform"], projectDir)) return;
    found += 1;
    const at: ProblemLocation = located?.elements[index] ?? { file: tsconfig };
    if (tryResolve(join(projectDir, "package.json"), TRANSFORMER_SPECIFIER) === undefined) {
      const message = `"${TRANSFORMER_SPECIFIER}" cannot be resolved from ${projectDir}, so the build cannot load the plugin: add access-ts-telemetry to the project's dependencies`;
      problems.push({ ...at, severity: "warning", message });
    }

    const resolved = resolveOptions(plugin, projectDir);
    for (const message of resolved.errors) problems.push({ ...at, severity: "error", message });
    for (const message of resolved.warnings) problems.push({ ...at, severity: "warning", message });
    if (resolved.errors.length > 0) return;

    const config = readConfig(resolved.options.configFile);
    for (const problem of config.problems) {
      const { file, line, column } = problem.location;
      problems.push({ file, line, column, severity: problem.severity, message: problem.message });
    }
    if (config.problems.some((problem) => problem.severity === "error")) return;
    entries.push({ tsconfig, projectDir, options: resolved.options, config, parsed });
  });
  return { found, entries };
}

/**
 * Whether a `transform` value names this package's transformer: by its package path, or by any
 * path that resolves to the same file.
 */
function isTransformerEntry(transform: unknown, projectDir: string): boolean {
  if (transform === TRANSFORMER_SPECIFIER) return true;
  if (typeof transform !== "string") return false;
  const target = tryResolve(join(projectDir, "package.json"), transform);
  const own = tryResolve(__filename, "../transformer/index.js");
  return target !== undefined && own !== undefined && realpathSync(target) === realpathSync(own);
}

/**
 * Where the elements of the `compilerOptions.plugins` list in effect are written: in the
 * tsconfig itself, else in the tsconfig it extends whose list is the one in effect (the same
 * `transform` values in the same order).
 */
function locatePlugins(
  ts: Ts,
  tsconfig: string,
  plugins: readonly unknown[],
): { readonly elements: readonly ProblemLocation[] } | undefined {
  const source = ts.readJsonConfigFile(tsconfig, ts.sys.readFile);
  ts.parseJsonSourceFileConfigFileContent(source, ts.sys, dirname(tsconfig), undefined, tsconfig);
  const transforms = plugins.map((plugin) => (isRecord(plugin) ? plugin["transform"] : undefined));

  for (const file of [tsconfig, ...(source.extendedSourceFiles ?? [])]) {
    const json = file === tsconfig ? source : ts.readJsonConfigFile(file, ts.sys.readFile);
    const list = findPath(ts, json.statements[0]?.expression, ["compilerOptions", "plugins"]);
    if (list === undefined || !ts.isArrayLiteralExpression(list)) continue;
    const written = list.elements.map((element) => {
      const transform = findPath(ts, element, ["transform"]);
      return transform !== undefined && ts.isStringLiteral(transform) ? transform.text : undefined;
    });
    if (written.length !== transforms.length || written.some((t, i) => t !== transforms[i]))
      continue;
    const elements = list.elements.map((element) => {
      const start = json.getLineAndCharacterOfPosition(element.getStart(json));
      return { file, line: start.line + 1, column: start.character + 1 };
    });
    return { elements };
  }
  return undefined;
}

function findPath(ts: Ts, node: TS.Node | undefined, keys: readonly string[]): TS.Node | undefined {
  let current = node;
  for (const key of keys) {
    if (current === undefined || !ts.isObjectLiteralExpression(current)) return undefined;
    const property = current.properties.find(
      (candidate): candidate is TS.PropertyAssignment =>
        ts.isPropertyAssignment(candidate) &&
        (ts.isStringLiteral(candidate.name) || ts.isIdentifier(candidate.name)) &&
        candidate.name.text === key,
    );
    current = property?.initializer;
  }
  return current;
}

function fromDiagnostic(ts: Ts, diagnostic: TS.Diagnostic, fallbackFile: string): CheckProblem {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  const file = diagnostic.file;
  if (file === undefined || diagnostic.start === undefined) {
    return { file: file?.fileName ?? fallbackFile, severity: "error", message };
  }
  const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start);
  return { file: file.fileName, line: line + 1, column: character + 1, severity: "error", message };
}

function tryResolve(fromFile: string, specifier: string): string | undefined {
  try {
    return createRequire(fromFile).resolve(specifier);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// The read-only context of one program: options, config and matches, loaded and reported once.
import type * as TS from "typescript";
import { KNOWN_SERVICES } from "../runtime/registry.js";
import { readConfig } from "./config-load.js";
import { createReporter, type DiagnosticReporter, type TransformerExtras } from "./diagnostics.js";
import { matchProgram } from "./match.js";
import { DEFAULT_OPTIONS, projectDirectory, resolveOptions } from "./options.js";
import type { ConfigModel, ConfigService, MatchResult, PluginOptions, Ts } from "./types.js";

export interface TransformerContext {
  readonly ts: Ts;
  readonly program: TS.Program;
  readonly options: PluginOptions;
  readonly config: ConfigModel;
  /** The valid services of the config; the injected `declareServices` lists all of them. */
  readonly services: readonly ConfigService[];
  readonly match: MatchResult;
  /** Module specifiers whose import makes a file declare the services. */
  readonly runtimeSpecifiers: readonly string[];
}

const contexts = new WeakMap<TS.Program, Map<string, TransformerContext>>();

/** The context for a program and plugin entry, created (and its diagnostics reported) once. */
export function getContext(
  program: TS.Program,
  rawOptions: Readonly<Record<string, unknown>>,
  extras: TransformerExtras,
): TransformerContext {
  const key = JSON.stringify(rawOptions);
  const known = contexts.get(program) ?? new Map<string, TransformerContext>();
  contexts.set(program, known);

  const existing = known.get(key);
  if (existing !== undefined) return existing;
  const created = createContext(program, rawOptions, extras);
  known.set(key, created);
  return created;
}

function createContext(
  program: TS.Program,
  rawOptions: Readonly<Record<string, unknown>>,
  extras: TransformerExtras,
): TransformerContext {
  const { ts } = extras;
  const compilerOptions = program.getCompilerOptions();
  const projectDir = projectDirectory(
    compilerOptions["configFilePath"],
    program.getCurrentDirectory(),
  );
  const resolved = resolveOptions(rawOptions, projectDir);
  const options = resolved.options;
  const config = readConfig(options.configFile);
  const transpile = isSingleFileTranspile(program);
  const fullReporter = createReporter(ts, extras, compilerOptions, config);
  const reporter = transpile ? errorsOnly(fullReporter) : fullReporter;

  for (const message of resolved.errors) reporter.report("invalid-option", "error", message);
  for (const message of resolved.warnings) reporter.report("package-version", "warning", message);
  for (const problem of config.problems) {
    reporter.report(problem.code, problem.severity, problem.message, problem.location);
  }
  reportUnknownServices(reporter, config.services);

  const match = matchProgram(ts, program, config.services);
  if (!transpile) reportUnmatched(reporter, match, options.strict);

  const runtimeSpecifiers = [...new Set([options.runtime, DEFAULT_OPTIONS.runtime])];
  return { ts, program, options, config, services: config.services, match, runtimeSpecifiers };
}

/**
 * Whether `program` is one built by ts.transpileModule: one root file, no resolution, no lib.
 * That is one program per file (ts-jest isolatedModules, ts-loader and ts-node transpileOnly):
 * it cannot see where the other entries are declared, and its hosts fail a file on any warning
 * and would repeat it for every file. There only errors are reported; the full build and
 * `access-ts-telemetry check` report the warnings and the unmatched entries.
 */
function isSingleFileTranspile(program: TS.Program): boolean {
  const options = program.getCompilerOptions();
  const transpileOptions = options.isolatedModules && options.noResolve && options.noLib;
  return transpileOptions === true && program.getRootFileNames().length === 1;
}

function errorsOnly(reporter: DiagnosticReporter): DiagnosticReporter {
  return {
    report(name, severity, message, location, hints) {
      if (severity === "error") reporter.report(name, severity, message, location, hints);
    },
  };
}

function reportUnmatched(reporter: DiagnosticReporter, match: MatchResult, strict: boolean): void {
  for (const { entry, suggestions, hint } of match.unmatched) {
    const message = `"${entry.name}" (service "${entry.service}") matches no function, method or property in the program`;
    const hints: string[] = [];
    if (hint !== undefined) hints.push(hint);
    if (suggestions.length > 0) {
      hints.push(`did you mean ${suggestions.map((name) => `"${name}"`).join(", ")}?`);
    }
    reporter.report(
      "unmatched-entry",
      strict ? "error" : "warning",
      message,
      entry.location,
      hints,
    );
  }
}

function reportUnknownServices(
  reporter: DiagnosticReporter,
  services: readonly ConfigService[],
): void {
  for (const service of services) {
    const known = KNOWN_SERVICES[service.name];
    if (known !== undefined && known.endpoint === service.endpoint) continue;

    const message = `service "${service.name}" (endpoint "${service.endpoint}") has no endpoint on the reporting server yet, so its records will not be accepted`;
    const hint =
      "to request one, open an issue on the reporting server's repository or contact its maintainers, then add the service to access-ts-telemetry's config.yaml";
    reporter.report("unknown-service", "warning", message, service.location, [hint]);
  }
}

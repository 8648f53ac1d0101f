// The ts-patch entry point: `{ "transform": "access-ts-telemetry/transformer" }` in tsconfig.json.
import type * as TS from "typescript";
import { getContext } from "./context.js";
import type { TransformerExtras } from "./diagnostics.js";
import { createTransformerFactory, type TransformerHooks } from "./visitor.js";

/**
 * Creates the source transformer for one program. ts-patch calls it with the program, the
 * plugin entry's options and its extras (whose `ts` is the compiler in use; this package never
 * loads a TypeScript of its own). Config and matches are computed once per program.
 */
export default function accessTelemetryTransformer(
  program: TS.Program,
  pluginConfig: Readonly<Record<string, unknown>> | undefined,
  extras: TransformerExtras | undefined,
  hooks?: TransformerHooks,
): TS.TransformerFactory<TS.SourceFile> {
  if (extras?.ts === undefined || typeof extras.addDiagnostic !== "function") {
    throw new TypeError(
      "access-ts-telemetry/transformer must run as a ts-patch program plugin: expected the extras argument with `ts` and `addDiagnostic`",
    );
  }
  const context = getContext(program, pluginConfig ?? {}, extras);
  return createTransformerFactory(context, hooks);
}

export { readConfig, parseConfig } from "./config-load.js";
export { matchProgram, mentionTest } from "./match.js";
export { collectDeclarations } from "./declarations.js";
export { resolveOptions, DEFAULT_OPTIONS, DEFAULT_CONFIG_VERSION } from "./options.js";
export { DIAGNOSTIC_CODES } from "./diagnostics.js";
export type { TransformerExtras } from "./diagnostics.js";
export type { TransformerHooks } from "./visitor.js";
export type {
  ArgumentsMode,
  ConfigEntry,
  ConfigModel,
  ConfigProblem,
  ConfigProblemCode,
  ConfigService,
  Declaration,
  DeclarationKind,
  FileDeclarations,
  MatchResult,
  PluginOptions,
  SourceLocation,
  TrackedDeclaration,
  UnmatchedEntry,
} from "./types.js";

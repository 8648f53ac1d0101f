// Build problems as compiler diagnostics, located in config.yaml when they come from there.
import type * as TS from "typescript";
import type { ConfigModel, SourceLocation, Ts } from "./types.js";

/** Stable diagnostic codes (tsc prints them as TS990101 and so on). */
export const DIAGNOSTIC_CODES = {
  unreadable: 990101,
  "yaml-syntax": 990102,
  "not-a-mapping": 990103,
  "not-mapping-or-list": 990104,
  "invalid-key": 990105,
  "invalid-entry": 990106,
  "duplicate-service": 990107,
  "duplicate-entry": 990108,
  empty: 990109,
  "invalid-option": 990201,
  "package-version": 990202,
  "unmatched-entry": 990301,
  "unknown-service": 990302,
} as const;

export type DiagnosticName = keyof typeof DIAGNOSTIC_CODES;

const PREFIX = "access-ts-telemetry: ";

/** What ts-patch hands a program plugin besides the program; only these members are used. */
export interface TransformerExtras {
  readonly ts: Ts;
  /** The compiler library the plugin runs in: "tsc", "tsserver", "typescript", ... */
  readonly library?: string;
  readonly addDiagnostic: (diagnostic: TS.Diagnostic) => unknown;
}

export interface DiagnosticReporter {
  report(
    name: DiagnosticName,
    severity: "error" | "warning",
    message: string,
    location?: SourceLocation,
    hints?: readonly string[],
  ): void;
}

/**
 * Errors go into the program's diagnostics, so tsc prints them and exits with a failure code.
 * Warnings do too, except under tsc itself: tsc exits with code 2 for any diagnostic, warnings
 * included, so there they are printed with tsc's own formatter and the exit code stays 0.
 */
export function createReporter(
  ts: Ts,
  extras: TransformerExtras,
  options: TS.CompilerOptions,
  config: ConfigModel | undefined,
): DiagnosticReporter {
  let configFile: TS.SourceFile | undefined;
  const configSourceFile = (): TS.SourceFile | undefined => {
    if (config === undefined) return undefined;
    configFile ??= ts.createSourceFile(config.file, config.text, ts.ScriptTarget.Latest, false);
    return configFile;
  };

  return {
    report(name, severity, message, location, hints = []) {
      const category =
        severity === "error" ? ts.DiagnosticCategory.Error : ts.DiagnosticCategory.Warning;
      const code = DIAGNOSTIC_CODES[name];
      const file =
        location !== undefined && config?.file === location.file ? configSourceFile() : undefined;
      const text = `${PREFIX}${message}`;
      const messageText: string | TS.DiagnosticMessageChain =
        hints.length === 0
          ? text
          : {
              messageText: text,
              category,
              code,
              next: hints.map((hint) => ({ messageText: hint, category, code })),
            };
      const diagnostic: TS.Diagnostic = {
        category,
        code,
        file,
        start: file !== undefined ? location?.offset : undefined,
        length: file !== undefined ? location?.length : undefined,
        messageText,
      };

      if (severity === "warning" && extras.library === "tsc") writeWarning(ts, options, diagnostic);
      else extras.addDiagnostic(diagnostic);
    },
  };
}

function writeWarning(ts: Ts, options: TS.CompilerOptions, diagnostic: TS.Diagnostic): void {
  const host: TS.FormatDiagnosticsHost = {
    getCanonicalFileName: (fileName) => fileName,
    getCurrentDirectory: () => ts.sys.getCurrentDirectory(),
    getNewLine: () => ts.sys.newLine,
  };
  const pretty =
    typeof options.pretty === "boolean" ? options.pretty : ts.sys.writeOutputIsTTY?.() === true;
  const text = pretty
    ? ts.formatDiagnosticsWithColorAndContext([diagnostic], host) + ts.sys.newLine
    : ts.formatDiagnostics([diagnostic], host);
  ts.sys.write(text);
}

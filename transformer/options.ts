// The plugin options of a tsconfig entry: validation, defaults and the configVersion lookup.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { closestNames } from "./edit-distance.js";
import type { ArgumentsMode, PluginOptions } from "./types.js";

/** Defaults of every option, written once. */
export const DEFAULT_OPTIONS = {
  config: "./config.yaml",
  strict: false,
  arguments: "named",
  runtime: "access-ts-telemetry",
} as const;

/** The fallback `configVersion` when no package.json with a `version` sits next to the tsconfig. */
export const DEFAULT_CONFIG_VERSION = "0";

const OWN_KEYS = ["config", "strict", "arguments", "runtime", "configVersion"] as const;

// Keys of the same tsconfig entry that belong to ts-patch, not to this plugin.
const TS_PATCH_KEYS = new Set([
  "transform",
  "import",
  "isEsm",
  "resolvePathAliases",
  "tsConfig",
  "after",
  "afterDeclarations",
  "type",
  "name",
  "transformProgram",
]);

export interface ResolvedOptions {
  readonly options: PluginOptions;
  /** One message per invalid or unknown option (the option's default is used instead). */
  readonly errors: readonly string[];
  /** Problems that do not stop the build, e.g. an unreadable package.json. */
  readonly warnings: readonly string[];
}

/**
 * Validates the plugin entry's options. `projectDir` is the directory of the tsconfig, against
 * which `config` is resolved and where package.json is looked up for `configVersion`.
 */
export function resolveOptions(
  raw: Readonly<Record<string, unknown>>,
  projectDir: string,
): ResolvedOptions {
  const errors: string[] = [];
  const warnings: string[] = [];
  const where = 'in the "access-ts-telemetry/transformer" plugin entry of tsconfig.json';

  for (const key of Object.keys(raw)) {
    if (TS_PATCH_KEYS.has(key) || (OWN_KEYS as readonly string[]).includes(key)) continue;
    const close = closestNames(key, OWN_KEYS, 1);
    const hint = close.length > 0 ? ` (did you mean "${close[0]}"?)` : "";
    errors.push(`unknown option "${key}" ${where}${hint}; known options: ${OWN_KEYS.join(", ")}`);
  }

  const text = (key: string, fallback: string): string => {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value === "string" && value.length > 0) return value;
    errors.push(`option "${key}" ${where}: expected a non-empty string, found ${show(value)}`);
    return fallback;
  };

  const config = text("config", DEFAULT_OPTIONS.config);
  const runtime = text("runtime", DEFAULT_OPTIONS.runtime);
  const configVersion =
    raw["configVersion"] === undefined
      ? packageVersion(projectDir, warnings)
      : text("configVersion", DEFAULT_CONFIG_VERSION);

  let strict: boolean = DEFAULT_OPTIONS.strict;
  if (typeof raw["strict"] === "boolean") strict = raw["strict"];
  else if (raw["strict"] !== undefined) {
    errors.push(`option "strict" ${where}: expected true or false, found ${show(raw["strict"])}`);
  }

  let argumentsMode: ArgumentsMode = DEFAULT_OPTIONS.arguments;
  const mode = raw["arguments"];
  if (mode === "named" || mode === "positional") argumentsMode = mode;
  else if (mode !== undefined) {
    errors.push(
      `option "arguments" ${where}: expected "named" or "positional", found ${show(mode)}`,
    );
  }

  const configFile = resolve(projectDir, config);
  return {
    options: { configFile, strict, arguments: argumentsMode, runtime, configVersion },
    errors,
    warnings,
  };
}

/** The directory of the tsconfig a program was built from, else the program's current directory. */
export function projectDirectory(configFilePath: unknown, currentDirectory: string): string {
  return typeof configFilePath === "string" ? dirname(configFilePath) : currentDirectory;
}

function packageVersion(projectDir: string, warnings: string[]): string {
  const file = join(projectDir, "package.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return DEFAULT_CONFIG_VERSION;
  }

  try {
    const parsed: unknown = JSON.parse(text);
    const version =
      typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "version") : undefined;
    if (typeof version === "string" && version.length > 0) return version;
    warnings.push(
      `${file} has no "version" string; records carry config_version "${DEFAULT_CONFIG_VERSION}" (set the "configVersion" option to choose one)`,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warnings.push(
      `cannot parse ${file} (${reason}); records carry config_version "${DEFAULT_CONFIG_VERSION}" (set the "configVersion" option to choose one)`,
    );
  }
  return DEFAULT_CONFIG_VERSION;
}

function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

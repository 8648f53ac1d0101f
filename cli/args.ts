import { UsageError, type Command } from "./io.js";

/**
 * Runs a `node:util` parseArgs call, turning its errors (unknown option, missing value, stray
 * argument) into a UsageError that names the command.
 */
export function withUsageErrors<T>(command: Command, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${command.name}: ${describeParseError(error)}`, command);
  }
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\. To specify a positional argument.*$/s, "");
}

/** An integer option within [min, max], e.g. `--port 8080`. */
export function integerOption(
  command: Command,
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(
      `${command.name}: --${flag} expects an integer from ${min} to ${max}, got "${value}"`,
      command,
    );
  }
  return parsed;
}

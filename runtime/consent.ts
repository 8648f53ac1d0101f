// The end user's choice about telemetry: environment opt-outs first, then the stored choice
// file, then the default (enabled).
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { xdgDir } from "./home.js";

export interface ConsentDecision {
  enabled: boolean;
  /** "DO_NOT_TRACK", "ACCESS_TELEMETRY_DISABLED", the absolute path of the stored-choice file, or "default". */
  decidedBy: string;
}

/** The environment variables that switch telemetry off, in the order they are checked. */
export const OPT_OUT_VARIABLES = ["DO_NOT_TRACK", "ACCESS_TELEMETRY_DISABLED"] as const;

const TRUE_VALUES = new Set(["1", "true", "yes"]);

/** "1", "true" and "yes" (any case, surrounding blanks ignored) are true; anything else is not. */
export function isTrueValue(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.trim().toLowerCase());
}

/** The environment variable that opts out, if any. Never touches the file system. */
export function envOptOut(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return OPT_OUT_VARIABLES.find((name) => isTrueValue(env[name]));
}

export function consentFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(xdgDir(env, "XDG_CONFIG_HOME", ".config"), "access-ts-telemetry", "consent.json");
}

export function readConsent(env: NodeJS.ProcessEnv = process.env): ConsentDecision {
  const optOut = envOptOut(env);
  if (optOut !== undefined) return { enabled: false, decidedBy: optOut };

  let path: string;
  try {
    path = consentFilePath(env);
  } catch {
    return { enabled: true, decidedBy: "default" };
  }

  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") {
      return { enabled: true, decidedBy: "default" };
    }
    return unreadableChoice(path, `cannot be read (${errorCode(error) ?? "unknown error"})`);
  }

  const stored = parseChoice(text);
  if (stored === undefined) {
    return unreadableChoice(path, 'is not JSON of the form { "enabled": true | false }');
  }
  return { enabled: stored, decidedBy: path };
}

export function writeConsent(enabled: boolean, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof enabled !== "boolean") {
    throw new TypeError(`writeConsent: enabled must be a boolean, got ${typeof enabled}`);
  }
  const path = consentFilePath(env);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);

  const body = `${JSON.stringify({ enabled, updatedAt: new Date().toISOString() }, null, 2)}\n`;
  const { randomBytes }: typeof import("node:crypto") = require("node:crypto");
  const temp = join(dir, `.consent.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, body, { mode: 0o600, flag: "wx" });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return path;
}

function parseChoice(text: string): boolean | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || !("enabled" in parsed)) return undefined;
    return typeof parsed.enabled === "boolean" ? parsed.enabled : undefined;
  } catch {
    return undefined;
  }
}

// A choice file exists but says nothing usable: someone meant to decide, so stay off.
function unreadableChoice(path: string, problem: string): ConsentDecision {
  try {
    process.emitWarning(
      `${path} ${problem}; telemetry stays off until the file is fixed or written again`,
      { code: "ATT_CONSENT_UNREADABLE" },
    );
  } catch {
    // A throwing warning listener must not turn a read into a crash.
  }
  return { enabled: false, decidedBy: path };
}

function errorCode(error: unknown): string | undefined {
  try {
    if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
    return typeof error.code === "string" ? error.code : undefined;
  } catch {
    return undefined;
  }
}

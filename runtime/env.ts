// Settings read from the environment once, when the first copy of the runtime loads.
import { isTrueValue } from "./consent.js";
import {
  DEFAULT_EXIT_GRACE_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  PRODUCTION_SERVER_URL,
} from "./limits.js";
import { parseServerUrl } from "./server-url.js";
import { warn } from "./warn.js";

export interface EnvSettings {
  serverUrl: string;
  serverUrlFromEnv: boolean;
  requestTimeoutMs: number;
  exitGraceMs: number;
  debug: boolean;
}

export function readEnvSettings(env: NodeJS.ProcessEnv): EnvSettings {
  const settings: EnvSettings = {
    serverUrl: PRODUCTION_SERVER_URL,
    serverUrlFromEnv: false,
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    exitGraceMs: envMilliseconds(env, "ACCESS_TELEMETRY_EXIT_GRACE_MS", DEFAULT_EXIT_GRACE_MS),
    debug: isTrueValue(env.ACCESS_TELEMETRY_DEBUG),
  };

  const url = env.ACCESS_TELEMETRY_SERVER_URL;
  if (url !== undefined && url.trim() !== "") {
    const parsed = parseServerUrl(url.trim());
    if (typeof parsed === "string") {
      settings.serverUrl = parsed;
      settings.serverUrlFromEnv = true;
    } else {
      warn("ATT_ENV_INVALID", `ACCESS_TELEMETRY_SERVER_URL ignored: ${parsed.problem}`);
    }
  }
  return settings;
}

function envMilliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isFinite(value) && value >= 0) return value;
  warn("ATT_ENV_INVALID", `${name} ignored: expected a number of milliseconds >= 0`);
  return fallback;
}

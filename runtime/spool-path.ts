// Where the spool lives: `$XDG_STATE_HOME/access-ts-telemetry/spool/` when XDG_STATE_HOME is an
// absolute path, else `~/.local/state/access-ts-telemetry/spool/`, from the environment as it
// was when the runtime loaded. Also when to look at it, without loading the code that reads it.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { xdgDir } from "./home.js";
import { loadResend } from "./lazy.js";
import { RESEND_DELAY_MS } from "./limits.js";
import { handleInternalError } from "./errors.js";
import { state } from "./state.js";

let dirPath: string | undefined;

export function spoolDirPath(): string {
  dirPath ??= resolve(
    xdgDir(state.spool.env, "XDG_STATE_HOME", join(".local", "state")),
    "access-ts-telemetry",
    "spool",
  );
  return dirPath;
}

/** Arms the deferred look at the spool; called once when the runtime loads. */
export function scheduleResend(): void {
  const spool = state.spool;
  if (spool.resendScheduled || !state.gate.enabled || state.debug) return;
  spool.resendScheduled = true;
  setTimeout(resendIfSpooled, RESEND_DELAY_MS).unref();
}

/** Takes records from the spool, once per process, if it holds any and telemetry may send. */
export function resendIfSpooled(): void {
  try {
    const spool = state.spool;
    if (spool.resendStarted || !state.gate.enabled || state.debug) return;
    if (spoolIsEmpty()) {
      spool.resendStarted = true;
      return;
    }
    loadResend().startResend();
  } catch (error) {
    handleInternalError(error, "warn");
  }
}

function spoolIsEmpty(): boolean {
  try {
    return readdirSync(spoolDirPath()).length === 0;
  } catch {
    return true;
  }
}

// The delivery side of the runtime (sender, transport, spool, debug printing) is loaded when it
// is first needed, off the call path: loading the runtime costs only what a tracked call uses.
// Each loader is a cached require.
import type * as DebugPrint from "./debug-print.js";
import type * as Resend from "./resend.js";
import type * as Sender from "./sender.js";
import type * as Spool from "./spool.js";
import type * as Undelivered from "./undelivered.js";

export function loadSender(): typeof Sender {
  return require("./sender.js");
}

export function loadResend(): typeof Resend {
  return require("./resend.js");
}

export function loadSpool(): typeof Spool {
  return require("./spool.js");
}

export function loadDebugPrint(): typeof DebugPrint {
  return require("./debug-print.js");
}

export function loadUndelivered(): typeof Undelivered {
  return require("./undelivered.js");
}

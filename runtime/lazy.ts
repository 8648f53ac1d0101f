// The delivery side of the runtime (sender, transport, spool, debug printing) is loaded when it
// is first needed, off the call path: loading the runtime costs only what a tracked call uses.
// A loader requires its module once and keeps it, so a later call costs a variable read (a full
// queue reaches the spool this way on the call path).
import type * as DebugPrint from "./debug-print.js";
import type * as Resend from "./resend.js";
import type * as Sender from "./sender.js";
import type * as Spool from "./spool.js";
import type * as Undelivered from "./undelivered.js";

let sender: typeof Sender | undefined;
let resend: typeof Resend | undefined;
let spool: typeof Spool | undefined;
let debugPrint: typeof DebugPrint | undefined;
let undelivered: typeof Undelivered | undefined;

export function loadSender(): typeof Sender {
  return (sender ??= require("./sender.js"));
}

export function loadResend(): typeof Resend {
  return (resend ??= require("./resend.js"));
}

export function loadSpool(): typeof Spool {
  return (spool ??= require("./spool.js"));
}

export function loadDebugPrint(): typeof DebugPrint {
  return (debugPrint ??= require("./debug-print.js"));
}

export function loadUndelivered(): typeof Undelivered {
  return (undelivered ??= require("./undelivered.js"));
}

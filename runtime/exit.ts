// What happens to pending records when the program ends.
//
// Natural end ("beforeExit": the event loop ran dry) with records queued or in flight: queued
// records are dispatched at once, then one ref'd timer holds the process for exitGraceMs.
// Progress (a socket connecting, a TLS handshake, a delivery; exit-wait.ts) restarts that
// wait, so a healthy server receives everything; a hanging or failing one holds the process
// exitGraceMs after its last progress, and the whole wait never exceeds
// max(exitGraceMs, MAX_EXIT_WAIT_MS). When the wait ends, whatever is still pending is aborted
// and counted as dropped ("exit") and written to the spool, and the wait is never armed again.
// The natural end is also when a short program takes its records from the spool (resend.ts),
// if its deferred timer has not fired yet: the same wait covers them.
//
// Explicit end (process.exit()): nothing can wait any more; pending records are counted as
// dropped ("exit") and written to the spool synchronously, or printed in debug mode. Records
// taken from the spool go back to it.
//
// A process with nothing pending and nothing spooled loads none of the delivery code here.
import { handleInternalError } from "./errors.js";
import { loadDebugPrint, loadResend, loadSender, loadSpool, loadUndelivered } from "./lazy.js";
import { MAX_EXIT_WAIT_MS } from "./limits.js";
import { isIdle } from "./queue.js";
import { resendIfSpooled } from "./spool-path.js";
import { state } from "./state.js";
import { warn, warnAtOnceFromNowOn } from "./warn.js";

export function installExitHooks(): void {
  if (state.hooksInstalled) return;
  state.hooksInstalled = true;
  process.on("beforeExit", onBeforeExit);
  process.on("exit", onExit);
}

function onBeforeExit(): void {
  try {
    const sender = state.sender;
    if (sender.exitGraceExpired || sender.exitTimer !== undefined) return;
    resendIfSpooled();
    if (isIdle()) return;
    sender.exitCapMs ??= Date.now() + Math.max(state.exitGraceMs, MAX_EXIT_WAIT_MS);
    // Dispatching may load the transport; the wait starts once the requests are out.
    loadSender().dispatch();
    if (isIdle()) return;
    const waitMs = Math.min(state.exitGraceMs, sender.exitCapMs - Date.now());
    if (waitMs <= 0) endWait();
    else sender.exitTimer = setTimeout(endWait, waitMs);
  } catch (error) {
    handleInternalError(error, "warn");
  }
}

function endWait(): void {
  const sender = state.sender;
  sender.exitTimer = undefined;
  sender.exitGraceExpired = true;
  let pending = sender.queue.length;
  for (const request of sender.active) if (!("claim" in request.item)) pending += 1;
  dropPending();
  if (pending > 0 && !state.production) {
    warn(
      "ATT_EXIT_DROPPED",
      `${pending} record(s) still pending exitGraceMs (${state.exitGraceMs} ms) after the ` +
        "last delivery at exit were not delivered; they are kept in the spool for a later run",
    );
  }
}

function onExit(): void {
  try {
    warnAtOnceFromNowOn();
    const spool = state.spool;
    if (!isIdle() || spool.pending.length > 0 || spool.claims.size > 0) dropPending();
  } catch {
    // The process is ending; nothing may be thrown from here.
  }
}

/** Aborts and counts what is pending, gives back what was taken from the spool, writes the spool. */
function dropPending(): void {
  const sender = state.sender;
  const { abortRequest } = loadSender();
  for (const request of [...sender.active]) abortRequest(request, "exit");
  const queued = sender.queue.splice(0, sender.queue.length);
  for (const item of queued) {
    if (state.debug) loadDebugPrint().printInstead(item);
    else loadUndelivered().onUndelivered(item, { outcome: "dropped", reason: "exit" });
  }
  loadResend().giveBackAll();
  loadSpool().writePending();
}

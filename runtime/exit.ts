// What happens to pending records when the program ends.
//
// Natural end ("beforeExit": the event loop ran dry) with records queued or in flight: queued
// records are dispatched at once, then one ref'd timer holds the process for exitGraceMs.
// Progress (a socket connecting, a TLS handshake, a delivery; exit-wait.ts) restarts that
// wait, so a healthy server receives everything; a hanging or failing one holds the process
// exitGraceMs after its last progress, and the whole wait never exceeds
// max(exitGraceMs, MAX_EXIT_WAIT_MS). When the wait ends, whatever is still pending is aborted
// and counted as dropped ("exit"), and the wait is never armed again.
//
// Explicit end (process.exit()): nothing can wait any more; pending records are counted as
// dropped ("exit"), or printed in debug mode.
import { handleInternalError } from "./errors.js";
import { MAX_EXIT_WAIT_MS } from "./limits.js";
import { printInstead } from "./debug-print.js";
import { abortRequest, dispatch, isIdle } from "./sender.js";
import { onUndelivered } from "./undelivered.js";
import { state } from "./state.js";
import { warn } from "./warn.js";

export function installExitHooks(): void {
  if (state.hooksInstalled) return;
  state.hooksInstalled = true;
  process.on("beforeExit", onBeforeExit);
  process.on("exit", onExit);
}

function onBeforeExit(): void {
  try {
    const sender = state.sender;
    if (sender.exitGraceExpired || sender.exitTimer !== undefined || isIdle()) return;
    sender.exitCapMs ??= Date.now() + Math.max(state.exitGraceMs, MAX_EXIT_WAIT_MS);
    // Dispatching may load the transport; the wait starts once the requests are out.
    dispatch();
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
  const pending = sender.queue.length + sender.active.size;
  dropPending();
  if (pending > 0 && !state.production) {
    warn(
      "ATT_EXIT_DROPPED",
      `${pending} record(s) still pending exitGraceMs (${state.exitGraceMs} ms) after the ` +
        "last delivery at exit were dropped",
    );
  }
}

function onExit(): void {
  try {
    dropPending();
  } catch {
    // The process is ending; nothing may be thrown from here.
  }
}

function dropPending(): void {
  const sender = state.sender;
  for (const request of [...sender.active]) abortRequest(request, "exit");
  const queued = sender.queue.splice(0, sender.queue.length);
  for (const item of queued) {
    if (state.debug) printInstead(item);
    else onUndelivered(item, { outcome: "dropped", reason: "exit" });
  }
}

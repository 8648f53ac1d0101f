// While the process is held at its natural end (exit.ts), progress gives the server another
// exitGraceMs, up to the cap: a socket connecting, a TLS handshake completing, a record
// delivered. A healthy server, near or far, gets everything; a hanging or failing one holds
// the process for exitGraceMs after its last progress.
import { state } from "./state.js";

export function extendExitWait(): void {
  const sender = state.sender;
  if (sender.exitTimer === undefined || sender.exitCapMs === undefined) return;
  if (Date.now() + state.exitGraceMs <= sender.exitCapMs) sender.exitTimer.refresh();
}

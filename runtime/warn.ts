// The runtime's one way to warn. Codes are stable (ATT_*) so hosts can filter them.

let exiting = false;

/** From the `exit` event on, a warning emitted the usual way would never be printed. */
export function warnAtOnceFromNowOn(): void {
  exiting = true;
}

export function warn(code: string, message: string): void {
  try {
    const text = `access-ts-telemetry: ${message}`;
    if (exiting) writeNow(code, text);
    else process.emitWarning(text, { code });
  } catch {
    // A warning listener that throws must not reach the host through telemetry.
  }
}

// Written at once, in the form Node prints warnings, unless warnings are switched off.
function writeNow(code: string, text: string): void {
  if (process.env.NODE_NO_WARNINGS === "1" || process.execArgv.includes("--no-warnings")) return;
  process.stderr.write(`(node:${process.pid}) [${code}] Warning: ${text}\n`);
}

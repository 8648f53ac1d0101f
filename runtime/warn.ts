// The runtime's one way to warn. Codes are stable (ATT_*) so hosts can filter them.

export function warn(code: string, message: string): void {
  try {
    process.emitWarning(`access-ts-telemetry: ${message}`, { code });
  } catch {
    // A warning listener that throws must not reach the host through telemetry.
  }
}

// The two names the injected code calls on every tracked call (docs/generated-code.md).
import { handleInternalError, UnknownServiceError } from "./errors.js";
import { captureCall } from "./record.js";
import { countLostUnbuilt, enqueue, wouldBeLost } from "./queue.js";
import { state } from "./state.js";

/** `{ enabled }`, false when the user opted out; checked before any argument is built. */
export const telemetryGate: { enabled: boolean } = state.gate;

/**
 * Records one call of a tracked function. Skips functions not in the service's register;
 * never waits for the network; in production never throws.
 */
export function trackCall(
  service: string,
  functionName: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
): void {
  try {
    if (!state.gate.enabled) return;
    const entry = state.services.get(service);
    if (entry === undefined) throw new UnknownServiceError(service, state.services.keys());
    if (!entry.functions.has(functionName)) return;
    // In staging the full path runs, so that the first drops are reported with their record.
    if (state.production && wouldBeLost()) return countLostUnbuilt();
    enqueue(captureCall(entry, functionName, args, kwargs));
  } catch (error) {
    handleInternalError(error, "throw");
  }
}

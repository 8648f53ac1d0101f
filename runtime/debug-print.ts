// Debug mode (ACCESS_TELEMETRY_DEBUG=1): requests are printed to stderr instead of sent.
import { handleInternalError } from "./errors.js";
import { serializeRecord } from "./record.js";
import { joinUrl, redactUrl } from "./server-url.js";
import { state, type QueueItem } from "./state.js";
import { onUndelivered } from "./undelivered.js";

export function requestHeaders(item: QueueItem): Record<string, string> {
  return { ...state.globalHeaders, ...item.service.headers, "Content-Type": "application/json" };
}

/** The request a record would make, printed instead of sent. */
export function printInstead(item: QueueItem): void {
  const body = serializeRecord(item);
  if (body === undefined) onUndelivered(item, { outcome: "dropped", reason: "too-large" });
  else printDebug(joinUrl(state.serverUrl, item.service.endpoint), requestHeaders(item), body);
}

export function printDebug(url: string, headers: Record<string, string>, body: string): void {
  const shown: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    shown[name] = name === "Content-Type" ? headers[name] : "[redacted]";
  }
  try {
    process.stderr.write(
      `access-ts-telemetry: POST ${redactUrl(url)} ${JSON.stringify(shown)} ${body}\n`,
    );
    state.counters.printed += 1;
  } catch (error) {
    handleInternalError(error, "warn");
  }
}

// Debug mode (ACCESS_TELEMETRY_DEBUG=1): each request is printed to stderr instead of sent,
// as one block shaped like the HTTP request itself: the request line, the headers (values
// redacted, except the two the runtime sets), a blank line, the exact body, a blank line.
import { handleInternalError } from "./errors.js";
import { prepareRequest } from "./prepare.js";
import { redactUrl } from "./server-url.js";
import { state, type PreparedRequest, type QueueItem } from "./state.js";
import { onUndelivered } from "./undelivered.js";

export const REDACTED = "[redacted]";

/** The request a record would make, printed instead of sent. */
export function printInstead(item: QueueItem): void {
  const request = prepareRequest(item);
  if (request === undefined) onUndelivered(item, { outcome: "dropped", reason: "too-large" });
  else printDebug(request);
}

export function printDebug(request: PreparedRequest): void {
  try {
    process.stderr.write(debugBlock(request));
    state.counters.printed += 1;
  } catch (error) {
    handleInternalError(error, "warn");
  }
}

/**
 * ```text
 * access-ts-telemetry debug, not sent: POST http://127.0.0.1:8000/api/mypackage/run/
 * Authorization: [redacted]
 * Content-Type: application/json
 * Content-Length: 187
 *
 * {"name":"me","function":"Experiment.run",...}
 *
 * ```
 */
export function debugBlock(request: PreparedRequest): string {
  const lines = [`access-ts-telemetry debug, not sent: POST ${redactUrl(request.url)}`];
  for (const name of Object.keys(request.headers)) {
    lines.push(`${name}: ${name === "Content-Type" ? request.headers[name] : REDACTED}`);
  }
  lines.push(`Content-Length: ${Buffer.byteLength(request.body)}`, "", request.body, "", "");
  return lines.join("\n");
}

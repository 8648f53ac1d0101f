// A captured call turned into the request it makes: URL, headers and the exact JSON body.
import { serializeRecord } from "./record.js";
import { joinUrl } from "./server-url.js";
import { state, type PreparedRequest, type QueueItem } from "./state.js";

export function requestHeaders(item: QueueItem): Record<string, string> {
  return { ...state.globalHeaders, ...item.service.headers, "Content-Type": "application/json" };
}

/** The request for a record, with the server URL and headers in effect now; undefined when the record cannot fit its size bound. */
export function prepareRequest(item: QueueItem): PreparedRequest | undefined {
  const body = serializeRecord(item);
  if (body === undefined) return undefined;
  return {
    url: joinUrl(state.serverUrl, item.service.endpoint),
    headers: requestHeaders(item),
    body,
  };
}

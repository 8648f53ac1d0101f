// Records: captured on the call path as a queue item, turned into the JSON body off it.
import { MAX_ARGUMENT_CHARS, MAX_RECORD_BYTES } from "./limits.js";
import {
  newBudget,
  snapshotFields,
  snapshotList,
  type JsonObject,
  type JsonValue,
} from "./snapshot.js";
import { state, type CallFields, type QueueItem, type ServiceEntry } from "./state.js";

/** Snapshots one call. Cheap for small arguments; bounded for any. */
export function captureCall(
  service: ServiceEntry,
  functionName: string,
  args: ArrayLike<unknown>,
  kwargs: object,
  callFields?: CallFields,
): QueueItem {
  const timeMs = Date.now();
  const budget = newBudget(MAX_ARGUMENT_CHARS);
  return {
    service,
    functionName,
    args: snapshotList(args, budget),
    kwargs: snapshotFields(kwargs, budget),
    timeMs,
    configVersion: service.configVersion,
    extraFields: service.extraFields,
    popFields: service.popFields,
    callFields,
  };
}

/**
 * The record: name, function, args, kwargs, session_id, timestamp, config_version, then
 * `failure` for failure records, then extra fields (which override earlier keys in place, as
 * a spread does), without the removed fields.
 */
export function buildRecord(item: QueueItem, args = item.args, kwargs = item.kwargs): JsonObject {
  const record: JsonObject = {
    name: state.userName,
    function: item.functionName,
    args,
    kwargs,
    session_id: state.sessionId,
    timestamp: new Date(item.timeMs).toISOString(),
    config_version: item.configVersion,
  };
  const call = item.callFields;
  if (call?.failure !== undefined) record.failure = call.failure;
  assignFields(record, item.extraFields);
  if (call?.extraFields !== undefined) assignFields(record, call.extraFields);
  for (const field of item.popFields) delete record[field];
  if (call?.popFields !== undefined) for (const field of call.popFields) delete record[field];
  return record;
}

/**
 * The JSON body, at most MAX_RECORD_BYTES. A record over the bound first has each argument
 * replaced by a placeholder (keeping the kwargs names), then args and kwargs as a whole;
 * `undefined` when even that does not fit (extra fields too large).
 */
export function serializeRecord(item: QueueItem): string | undefined {
  const full = JSON.stringify(buildRecord(item));
  if (fits(full)) return full;

  const mark = `[Truncated: record over ${MAX_RECORD_BYTES} bytes]`;
  const namedOnly: JsonObject = {};
  for (const key of Object.keys(item.kwargs)) namedOnly[key] = mark;
  const shrunk = JSON.stringify(
    buildRecord(
      item,
      item.args.map(() => mark),
      namedOnly,
    ),
  );
  if (fits(shrunk)) return shrunk;

  const minimal = JSON.stringify(buildRecord(item, [mark], {}));
  return fits(minimal) ? minimal : undefined;
}

function fits(body: string): boolean {
  return body.length <= MAX_RECORD_BYTES / 3 || Buffer.byteLength(body) <= MAX_RECORD_BYTES;
}

function assignFields(record: JsonObject, fields: Readonly<JsonObject>): void {
  for (const key of Object.keys(fields)) {
    const value: JsonValue = fields[key];
    if (key === "__proto__") {
      Object.defineProperty(record, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      record[key] = value;
    }
  }
}

// ApiHandler: the process-wide handler that package authors configure.
import { handleInternalError } from "./errors.js";
import { MAX_EXTRA_FIELDS_BYTES, MAX_STRING_CHARS } from "./limits.js";
import { buildRecord, captureCall, serializeRecord } from "./record.js";
import { countersView, type CountersView } from "./counters.js";
import { loadSender } from "./lazy.js";
import { enqueue } from "./queue.js";
import { parseServerUrl, reportingUrlProblems } from "./server-url.js";
import { requireService } from "./services.js";
import { newBudget, snapshotFields, type JsonObject, type JsonValue } from "./snapshot.js";
import { hasBrand, setBrand, state, type ServiceEntry } from "./state.js";
import { checkMilliseconds, isValidHeaderName, isValidHeaderValue } from "./validate.js";
import { warn } from "./warn.js";

const HANDLER = "ApiHandler";

export interface ServerUrlOptions {
  /** Warn when the URL is not the reporting server's API root (default true). */
  readonly warn?: boolean;
}

export type ServiceNames = string | readonly string[];

export class ApiHandler {
  /** Every `new ApiHandler()`, in every copy of the runtime, returns the same instance. */
  constructor() {
    const existing = state.singletons.get(HANDLER);
    if (existing instanceof ApiHandler) return existing;
    setBrand(this, HANDLER);
    state.singletons.set(HANDLER, this);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, HANDLER);
  }

  get serverUrl(): string {
    return state.serverUrl;
  }

  set serverUrl(url: string) {
    this.setServerUrl(url);
  }

  setServerUrl(url: string, options: ServerUrlOptions = {}): void {
    const parsed = typeof url === "string" ? parseServerUrl(url) : { problem: "expected a string" };
    if (typeof parsed !== "string") throw new TypeError(`serverUrl: ${parsed.problem}`);
    state.serverUrl = parsed;
    if (options.warn === false) return;
    for (const problem of reportingUrlProblems(parsed)) warn("ATT_SERVER_URL", problem);
  }

  /** Per-request timeout; `null` for none. Default 5000. */
  get requestTimeoutMs(): number | null {
    return state.requestTimeoutMs;
  }

  set requestTimeoutMs(value: number | null) {
    if (value !== null) checkMilliseconds("requestTimeoutMs", value, { allowZero: false });
    state.requestTimeoutMs = value;
  }

  /** How long the process is held at its natural end for pending records. Default 40. */
  get exitGraceMs(): number {
    return state.exitGraceMs;
  }

  set exitGraceMs(value: number) {
    checkMilliseconds("exitGraceMs", value, { allowZero: true });
    state.exitGraceMs = value;
  }

  /** Service name to its extra fields (a copy). */
  get extraFields(): Readonly<Record<string, Readonly<JsonObject>>> {
    return perService((entry) => ({ ...entry.extraFields }));
  }

  /** Service name to the headers its requests carry, those set for all services included. */
  get headers(): Readonly<Record<string, Readonly<Record<string, string>>>> {
    return perService((entry) => ({ ...state.globalHeaders, ...entry.headers }));
  }

  /** Service name to the fields left out of its records. */
  get popFields(): Readonly<Record<string, readonly string[]>> {
    return perService((entry) => [...entry.popFields]);
  }

  /** The last record built in this process (a copy), as it is or was sent. */
  get lastRecord(): JsonObject | undefined {
    const item = state.lastItem;
    if (item === undefined) return undefined;
    const body = serializeRecord(item) ?? JSON.stringify(buildRecord(item, [], {}));
    const record: JsonObject = JSON.parse(body);
    return record;
  }

  get counters(): CountersView {
    return countersView();
  }

  /** Merges `fields` into the service's extra fields; they follow the standard keys. */
  addExtraFields(service: string, fields: Readonly<Record<string, unknown>>): void {
    const entry = requireService(service);
    if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
      throw new TypeError(
        `addExtraFields("${entry.name}"): fields must be an object of field values`,
      );
    }
    const merged = {
      ...entry.extraFields,
      ...snapshotFields(fields, newBudget(MAX_EXTRA_FIELDS_BYTES)),
    };
    const bytes = Buffer.byteLength(JSON.stringify(merged));
    if (bytes > MAX_EXTRA_FIELDS_BYTES) {
      throw new RangeError(
        `addExtraFields("${entry.name}"): extra fields would take ${bytes} bytes; ` +
          `the bound is ${MAX_EXTRA_FIELDS_BYTES}`,
      );
    }
    entry.extraFields = Object.freeze(merged);
  }

  /** Leaves the named fields (standard or extra) out of the service's records. */
  removeFields(service: string, fields: string | readonly string[]): void {
    const entry = requireService(service);
    const names = typeof fields === "string" ? [fields] : fields;
    if (!Array.isArray(names) || !names.every((name: unknown) => typeof name === "string")) {
      throw new TypeError(
        `removeFields("${entry.name}"): expected a field name or a list of names`,
      );
    }
    entry.popFields = Object.freeze([...new Set([...entry.popFields, ...names])]);
  }

  /** Merges headers into the given services' headers, or into the headers of all when null. */
  setHeaders(services: ServiceNames | null, headers: Readonly<Record<string, string>>): void {
    const entries = services === null ? undefined : serviceEntries(services);
    const checked = checkHeaders(headers);
    if (entries === undefined) {
      state.globalHeaders = Object.freeze({ ...state.globalHeaders, ...checked });
      return;
    }
    for (const entry of entries) entry.headers = Object.freeze({ ...entry.headers, ...checked });
  }

  /** Clears the given services' own headers, or every header (all services too) when omitted. */
  clearHeaders(services?: ServiceNames | null): void {
    if (services === undefined || services === null) {
      state.globalHeaders = Object.freeze({});
      for (const entry of state.services.values()) entry.headers = Object.freeze({});
      return;
    }
    for (const entry of serviceEntries(services)) entry.headers = Object.freeze({});
  }

  /** Records one call of `functionName` and queues it for sending. */
  sendApiRequest(
    service: string,
    functionName: string,
    args: readonly unknown[] = [],
    kwargs: Readonly<Record<string, unknown>> = {},
  ): void {
    const entry = requireService(service);
    if (typeof functionName !== "string" || functionName === "") {
      throw new TypeError(
        `sendApiRequest("${entry.name}"): functionName must be a non-empty string`,
      );
    }
    if (!Array.isArray(args))
      throw new TypeError(`sendApiRequest("${entry.name}"): args must be an array`);
    if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs)) {
      throw new TypeError(`sendApiRequest("${entry.name}"): kwargs must be an object`);
    }
    if (!state.gate.enabled) return;
    send(entry, functionName, args, kwargs);
  }

  /** Sends a failure record: `function` is `endpoint`, with a `failure: { code }` field. */
  sendFailureApiRequest(service: string, code: string | number, endpoint: string): void {
    const entry = requireService(service);
    if (typeof code !== "string" && typeof code !== "number") {
      throw new TypeError(
        `sendFailureApiRequest("${entry.name}"): code must be a string or number`,
      );
    }
    if (typeof endpoint !== "string") {
      throw new TypeError(`sendFailureApiRequest("${entry.name}"): endpoint must be a string`);
    }
    if (!state.gate.enabled) return;
    const failure: JsonValue = {
      code: typeof code === "string" ? code.slice(0, MAX_STRING_CHARS) : code,
    };
    send(entry, endpoint, [], {}, { failure });
  }

  /** Resolves true when nothing is queued or in flight, false if `timeoutMs` passed first. */
  flush(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs !== undefined)
      checkMilliseconds("flush timeoutMs", timeoutMs, { allowZero: true });
    return loadSender().flush(timeoutMs);
  }
}

function send(
  entry: ServiceEntry,
  functionName: string,
  args: readonly unknown[],
  kwargs: object,
  callFields?: { failure: JsonValue },
): void {
  try {
    enqueue(captureCall(entry, functionName, args, kwargs, callFields));
  } catch (error) {
    handleInternalError(error, "throw");
  }
}

function perService<T>(view: (entry: ServiceEntry) => T): Readonly<Record<string, T>> {
  const out: Record<string, T> = {};
  for (const entry of state.services.values()) out[entry.name] = view(entry);
  return Object.freeze(out);
}

function serviceEntries(services: ServiceNames): ServiceEntry[] {
  const names = typeof services === "string" ? [services] : services;
  if (!Array.isArray(names))
    throw new TypeError("expected a service name, a list of names, or null");
  return names.map((name: unknown) => requireService(name));
}

function checkHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw new TypeError("setHeaders: headers must be an object of header names to string values");
  }
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isValidHeaderName(name))
      throw new TypeError(`setHeaders: "${name}" is not a valid header name`);
    if (name.toLowerCase() === "content-type") {
      throw new TypeError("setHeaders: Content-Type is always application/json and cannot be set");
    }
    if (typeof value !== "string" || !isValidHeaderValue(value)) {
      throw new TypeError(
        `setHeaders: the value of header "${name}" must be a string without control characters`,
      );
    }
    checked[name] = value;
  }
  return checked;
}

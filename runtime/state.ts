// The one process-wide state object. Every copy of the runtime loaded in a process (the CJS
// and ESM entry points, or two installed copies of the package) finds it on globalThis under
// the same registered symbol; the first copy to load creates it. The ".v1" in the key names
// the layout below: a change of layout needs a new key. Fields added later are optional for a
// state made by an older copy: `upgrade` fills them in.
//
// Loading this module reads the environment and the stored choice, nothing else: the session id
// (node:crypto) and the user name (node:os) are made when a record first needs them.
import type { Agent } from "node:http";
import { readConsent, type ConsentDecision } from "./consent.js";
import { readEnvSettings } from "./env.js";
import type { JsonObject, JsonValue } from "./snapshot.js";
import { KNOWN_SERVICES } from "./registry.js";

export const STATE_KEY = Symbol.for("access-ts-telemetry.state.v1");

export interface ServiceEntry {
  readonly name: string;
  endpoint: string;
  configVersion: string;
  /** True once declareServices gave a configVersion (the registry's "0" is only a default). */
  configVersionDeclared: boolean;
  /** The register: functions whose calls are recorded. */
  readonly functions: Set<string>;
  /** Names deregistered by hand; later declarations do not bring them back. */
  readonly deregistered: Set<string>;
  /** Replaced, never mutated, so a queued item can keep a reference as its snapshot. */
  extraFields: Readonly<JsonObject>;
  popFields: readonly string[];
  headers: Readonly<Record<string, string>>;
}

export interface QueueItem {
  readonly service: ServiceEntry;
  readonly functionName: string;
  readonly args: JsonValue[];
  readonly kwargs: JsonObject;
  readonly timeMs: number;
  readonly configVersion: string;
  readonly extraFields: Readonly<JsonObject>;
  readonly popFields: readonly string[];
  /** Fields of this call only (registerFunc options, the failure record's `failure`). */
  readonly callFields: CallFields | undefined;
}

export interface CallFields {
  readonly failure?: JsonValue;
  readonly extraFields?: Readonly<JsonObject>;
  readonly popFields?: readonly string[];
}

/** A request as it goes (or would go) on the wire. */
export interface PreparedRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One record in the spool: its request, when it was first spooled, how often it was tried. */
export interface SpooledRecord extends PreparedRequest {
  readonly spooledAt: number;
  readonly attempts: number;
}

/** A spool file this process took (renamed to its claim name) and must give back. */
export interface Claim {
  /** The claimed file. */
  readonly path: string;
  /** Records taken from it that are neither delivered, put back nor lost yet. */
  unsettled: number;
  /** Records to put back into the spool when the claim is given back. */
  readonly back: SpooledRecord[];
  /** The earliest next try the server asked for (Retry-After), or 0. */
  retryAfterMs: number;
  released: boolean;
}

/** A spooled record on its way back to the server. */
export interface ResendItem {
  readonly record: SpooledRecord;
  readonly claim: Claim;
}

/** An undelivered record of this process, waiting in memory to be written to the spool. */
export interface PendingSpool {
  readonly item: QueueItem;
  /** The request as it went out; undefined when it never did (it is prepared when written). */
  readonly request: PreparedRequest | undefined;
  readonly attempts: number;
  readonly notBefore: number;
}

export interface SpoolState {
  readonly pending: PendingSpool[];
  writeTimer: ReturnType<typeof setTimeout> | undefined;
  resendScheduled: boolean;
  resendStarted: boolean;
  readonly resendQueue: ResendItem[];
  readonly claims: Set<Claim>;
  holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** XDG_STATE_HOME and HOME as they were at load. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Staging warnings about the spool itself so far (bounded like send warnings). */
  warnings: number;
}

export interface ActiveRequest {
  readonly item: QueueItem | ResendItem;
  readonly request: PreparedRequest;
  readonly controller: AbortController;
  timer: ReturnType<typeof setTimeout> | undefined;
  abortedFor: "timeout" | "exit" | undefined;
  settled: boolean;
}

export interface FlushWaiter {
  readonly resolve: (drained: boolean) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export type FetchFunction = typeof import("node-fetch").default;

export interface Counters {
  sent: number;
  failed: number;
  dropped: number;
  printed: number;
  errors: number;
  maxInFlightSeen: number;
  readonly droppedByReason: Record<string, number>;
  readonly failedByReason: Record<string, number>;
  /** Undelivered records of this process written to the spool. */
  spooled: number;
  /** Spooled records (of earlier processes) this process delivered. */
  resent: number;
  /** Spooled records this process took and put back (not delivered, not lost). */
  respooled: number;
  /** Records gone for good: neither delivered nor kept in the spool. */
  lost: number;
  readonly lostByReason: Record<string, number>;
}

export interface SenderState {
  readonly queue: QueueItem[];
  readonly active: Set<ActiveRequest>;
  readonly flushWaiters: Set<FlushWaiter>;
  dispatchScheduled: boolean;
  fetch: FetchFunction | undefined;
  httpAgent: Agent | undefined;
  httpsAgent: Agent | undefined;
  sendWarnings: number;
  exitTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the natural-end wait must be over, set at the first beforeExit with work pending. */
  exitCapMs: number | undefined;
  exitGraceExpired: boolean;
}

export interface RuntimeState {
  readonly layout: 1;
  readonly sessionId: string;
  readonly userName: string;
  /** Read by the injected code before every tracked call. */
  readonly gate: { enabled: boolean };
  readonly consent: ConsentDecision;
  readonly services: Map<string, ServiceEntry>;
  /** Singletons, created by whichever copy constructs them first. */
  readonly singletons: Map<string, object>;
  globalHeaders: Readonly<Record<string, string>>;
  serverUrl: string;
  readonly serverUrlFromEnv: boolean;
  production: boolean;
  requestTimeoutMs: number | null;
  exitGraceMs: number;
  readonly debug: boolean;
  readonly counters: Counters;
  lastItem: QueueItem | undefined;
  readonly sender: SenderState;
  readonly spool: SpoolState;
  hooksInstalled: boolean;
}

export const state: RuntimeState = existingState() ?? createState();

function existingState(): RuntimeState | undefined {
  const found: unknown = Reflect.get(globalThis, STATE_KEY);
  return isRuntimeState(found) ? upgrade(found) : undefined;
}

// A state made by an older copy of the same layout lacks the fields added since.
function upgrade(found: RuntimeState): RuntimeState {
  const partial: Partial<RuntimeState> = found;
  if (partial.spool === undefined) Object.assign(found, { spool: newSpoolState() });
  const counters: Partial<Counters> = found.counters;
  counters.spooled ??= 0;
  counters.resent ??= 0;
  counters.respooled ??= 0;
  counters.lost ??= 0;
  if (counters.lostByReason === undefined) Object.assign(counters, { lostByReason: {} });
  return found;
}

function isRuntimeState(value: unknown): value is RuntimeState {
  return typeof value === "object" && value !== null && "layout" in value && value.layout === 1;
}

function createState(): RuntimeState {
  const env = readEnvSettings(process.env);
  const consent = readConsent(process.env);
  const created: RuntimeState = {
    layout: 1,
    sessionId: "",
    userName: "",
    gate: { enabled: consent.enabled },
    consent,
    services: new Map(),
    singletons: new Map(),
    globalHeaders: {},
    serverUrl: env.serverUrl,
    serverUrlFromEnv: env.serverUrlFromEnv,
    production: true,
    requestTimeoutMs: env.requestTimeoutMs,
    exitGraceMs: env.exitGraceMs,
    debug: env.debug,
    counters: {
      sent: 0,
      failed: 0,
      dropped: 0,
      printed: 0,
      errors: 0,
      maxInFlightSeen: 0,
      droppedByReason: {},
      failedByReason: {},
      spooled: 0,
      resent: 0,
      respooled: 0,
      lost: 0,
      lostByReason: {},
    },
    lastItem: undefined,
    sender: {
      queue: [],
      active: new Set(),
      flushWaiters: new Set(),
      dispatchScheduled: false,
      fetch: undefined,
      httpAgent: undefined,
      httpsAgent: undefined,
      sendWarnings: 0,
      exitTimer: undefined,
      exitCapMs: undefined,
      exitGraceExpired: false,
    },
    spool: newSpoolState(),
    hooksInstalled: false,
  };
  defineOnFirstRead(created, "sessionId", newSessionId);
  defineOnFirstRead(created, "userName", currentUserName);

  for (const [name, known] of Object.entries(KNOWN_SERVICES)) {
    created.services.set(name, newServiceEntry(name, known.endpoint, known.functions));
  }
  try {
    Object.defineProperty(globalThis, STATE_KEY, { value: created, configurable: false });
  } catch {
    // The key is taken by something that is not a v1 state: this copy keeps its own.
  }
  return created;
}

export function newServiceEntry(
  name: string,
  endpoint: string,
  functions: Iterable<string>,
): ServiceEntry {
  return {
    name,
    endpoint,
    configVersion: "0",
    configVersionDeclared: false,
    functions: new Set(functions),
    deregistered: new Set(),
    extraFields: {},
    popFields: [],
    headers: {},
  };
}

function newSpoolState(): SpoolState {
  return {
    pending: [],
    writeTimer: undefined,
    resendScheduled: false,
    resendStarted: false,
    resendQueue: [],
    claims: new Set(),
    holdTimer: undefined,
    env: { XDG_STATE_HOME: process.env.XDG_STATE_HOME, HOME: process.env.HOME },
    warnings: 0,
  };
}

/** A read-only property computed on its first read, then fixed. */
function defineOnFirstRead(target: object, key: string, compute: () => string): void {
  let value: string | undefined;
  Object.defineProperty(target, key, {
    enumerable: true,
    get: () => (value ??= compute()),
  });
}

function newSessionId(): string {
  const { randomBytes }: typeof import("node:crypto") = require("node:crypto");
  return randomBytes(32).toString("hex");
}

function currentUserName(): string {
  try {
    const os: typeof import("node:os") = require("node:os");
    const name = os.userInfo().username;
    if (name !== "") return name;
  } catch {
    // No passwd entry for this uid (containers): fall back to the environment.
  }
  for (const variable of ["USER", "LOGNAME", "USERNAME"]) {
    const value = process.env[variable];
    if (value !== undefined && value !== "") return value;
  }
  return "unknown";
}

const BRAND = Symbol.for("access-ts-telemetry.brand");

/** Marks an object as one of the runtime's classes, recognised by every copy's `instanceof`. */
export function setBrand(value: object, brand: string): void {
  Object.defineProperty(value, BRAND, { value: brand });
}

export function hasBrand(value: unknown, brand: string): boolean {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  try {
    return Reflect.get(value, BRAND) === brand;
  } catch {
    return false;
  }
}

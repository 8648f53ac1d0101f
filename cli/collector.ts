import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  declaredLength,
  handleRequest,
  refuseTooLarge,
  type RequestContext,
} from "./collector-requests.js";
import {
  RecordLog,
  RecordStore,
  loadRecords,
  type EndpointCount,
  type StoredRecord,
} from "./collector-store.js";

export type { EndpointCount, StoredRecord } from "./collector-store.js";
export { WARNING_CALLBACK_FAILED } from "./collector-requests.js";

/** The collector's defaults, documented in docs/cli.md. */
export const COLLECTOR_DEFAULTS = {
  port: 8000,
  host: "127.0.0.1",
  maxBodyBytes: 1024 * 1024,
  /** How long `close()` lets requests in progress finish before cutting their connections. */
  closeGraceMs: 1000,
  /** How long a refused oversized body is still read and dropped before the connection is cut. */
  lingerMs: 1000,
  /** A request must arrive whole within this time, its headers within the second. */
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
} as const;

export const WARNING_CORRUPT_LINE = "ATT_COLLECTOR_CORRUPT_LINE";

export interface CollectorOptions {
  /** Port to listen on; `0` picks a free one. Default 8000. */
  readonly port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** JSON Lines file: loaded on start, and every accepted record is appended to it. */
  readonly outFile?: string;
  /** Largest request body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Called once per accepted record, after it is stored, written and answered. */
  readonly onRecord?: (record: StoredRecord) => void;
  /** Called for problems that do not stop the collector; default `process.emitWarning`. */
  readonly onWarning?: (message: string, code: string) => void;
}

export interface Collector {
  /** The API root, e.g. `http://127.0.0.1:8000/api/`; a runtime's `serverUrl` points here. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every stored record in arrival order, loaded ones first. */
  readonly records: readonly StoredRecord[];
  /** How many records were read back from `outFile` on start. */
  readonly loadedCount: number;
  recordsFor(endpoint: string): readonly StoredRecord[];
  endpoints(): EndpointCount[];
  /** Stops accepting, ends keep-alive connections, flushes `outFile`. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts the local collector: the reporting server's HTTP contract, records kept in memory. */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const host = options.host ?? COLLECTOR_DEFAULTS.host;
  const maxBodyBytes = options.maxBodyBytes ?? COLLECTOR_DEFAULTS.maxBodyBytes;
  const warn = options.onWarning ?? ((message, code) => process.emitWarning(message, { code }));

  const store = new RecordStore();
  let log: RecordLog | undefined;
  let loadedCount = 0;
  if (options.outFile !== undefined) {
    const file = options.outFile;
    loadedCount = await loadRecords(file, store, (message) => warn(message, WARNING_CORRUPT_LINE));
    log = await RecordLog.open(file);
  }

  let closing = false;
  const context: RequestContext = {
    store,
    log,
    maxBodyBytes,
    lingerMs: COLLECTOR_DEFAULTS.lingerMs,
    onRecord: options.onRecord,
    warn,
    isClosing: () => closing,
  };
  const server = createServer((req, res) => handleRequest(context, req, res));
  server.requestTimeout = COLLECTOR_DEFAULTS.requestTimeoutMs;
  server.headersTimeout = COLLECTOR_DEFAULTS.headersTimeoutMs;
  server.on("checkContinue", (req, res) => {
    if (declaredLength(req) > maxBodyBytes) return refuseTooLarge(context, req, res);
    res.writeContinue();
    handleRequest(context, req, res);
  });

  try {
    await listen(server, options.port ?? COLLECTOR_DEFAULTS.port, host);
  } catch (error) {
    await log?.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing = true;
    closed ??= shutDown(server).finally(() => log?.close());
    return closed;
  };

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/api/`,
    host,
    port,
    records: store.all,
    loadedCount,
    recordsFor: (endpoint) => store.list(endpoint),
    endpoints: () => store.endpoints(),
    close,
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** Stops accepting; idle keep-alive connections end now, busy ones after the grace period. */
function shutDown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), COLLECTOR_DEFAULTS.closeGraceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

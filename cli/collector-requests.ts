import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ENDPOINT_METHODS,
  INDEX_METHODS,
  discardRest,
  parseRecordBody,
  resolveRoute,
  sendError,
  sendJson,
} from "./collector-http.js";
import {
  RESERVED_FIELDS,
  type RecordLog,
  type RecordStore,
  type StoredRecord,
} from "./collector-store.js";

export const WARNING_CALLBACK_FAILED = "ATT_COLLECTOR_CALLBACK_FAILED";

/** What a request handler needs from the running collector. */
export interface RequestContext {
  readonly store: RecordStore;
  readonly log: RecordLog | undefined;
  readonly maxBodyBytes: number;
  readonly lingerMs: number;
  readonly onRecord: ((record: StoredRecord) => void) | undefined;
  readonly warn: (message: string, code: string) => void;
  readonly isClosing: () => boolean;
}

export function handleRequest(
  context: RequestContext,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (context.isClosing()) res.setHeader("Connection", "close");
  const route = resolveRoute(req.url ?? "/");
  const method = req.method ?? "GET";

  if (route.kind === "missing") {
    req.resume();
    return sendError(res, 404, route.reason);
  }

  const allowed: readonly string[] = route.kind === "index" ? INDEX_METHODS : ENDPOINT_METHODS;
  if (!allowed.includes(method)) {
    req.resume();
    return sendError(res, 405, `method ${method} is not allowed here; use ${allowed.join(", ")}`, {
      Allow: allowed.join(", "),
    });
  }

  if (route.kind === "index") {
    req.resume();
    const endpoints = context.store.endpoints().map((entry) => ({
      endpoint: entry.endpoint,
      path: `/api/${entry.endpoint}/`,
      count: entry.count,
    }));
    return sendJson(res, 200, { count: context.store.all.length, endpoints });
  }
  if (method !== "POST") {
    req.resume();
    return sendJson(res, 200, context.store.list(route.endpoint));
  }
  receiveRecord(context, route.endpoint, req, res);
}

/** Reads a POST body within the size bound, then validates, stores and answers it. */
function receiveRecord(
  context: RequestContext,
  endpoint: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (declaredLength(req) > context.maxBodyBytes) return refuseTooLarge(context, req, res);

  const chunks: Buffer[] = [];
  let received = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > context.maxBodyBytes) {
      refused = true;
      chunks.length = 0;
      refuseTooLarge(context, req, res);
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (refused || res.headersSent) return;
    const parsed = parseRecordBody(Buffer.concat(chunks));
    if (!parsed.ok) return sendError(res, 400, parsed.reason);
    const reserved = RESERVED_FIELDS.filter((field) => Object.hasOwn(parsed.body, field));
    if (reserved.length > 0) {
      const names = reserved.map((field) => `"${field}"`).join(" and ");
      return sendError(res, 400, `the body must not set ${names}; the collector assigns them`);
    }
    storeRecord(context, context.store.create(endpoint, parsed.body), res);
  });
}

function storeRecord(context: RequestContext, record: StoredRecord, res: ServerResponse): void {
  const written = context.log ? context.log.append(record) : Promise.resolve();
  written.then(
    () => {
      context.store.insert(record);
      sendJson(res, 201, record);
      notifyRecord(context, record);
    },
    (error: unknown) => {
      const detail = error instanceof Error ? error.message : String(error);
      sendError(res, 500, `could not write the record to ${context.log?.file}: ${detail}`);
    },
  );
}

export function refuseTooLarge(
  context: RequestContext,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (!res.headersSent) {
    sendError(res, 413, `body larger than the limit of ${context.maxBodyBytes} bytes`, {
      Connection: "close",
    });
  }
  discardRest(req, context.lingerMs);
}

export function declaredLength(req: IncomingMessage): number {
  const header = req.headers["content-length"];
  return header === undefined ? 0 : Number(header);
}

/** A throwing `onRecord` is reported, never allowed to take the collector down. */
function notifyRecord(context: RequestContext, record: StoredRecord): void {
  try {
    context.onRecord?.(record);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    context.warn(
      `onRecord threw for record ${record.id}: ${detail}`,
      "ATT_COLLECTOR_CALLBACK_FAILED",
    );
  }
}

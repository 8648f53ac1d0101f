import type { IncomingMessage, ServerResponse } from "node:http";
import { isPlainObject } from "./collector-store.js";

/** Where a request path leads. */
export type Route =
  | { readonly kind: "index" }
  | { readonly kind: "endpoint"; readonly endpoint: string }
  | { readonly kind: "missing"; readonly reason: string };

export const INDEX_METHODS = ["GET", "HEAD"] as const;
export const ENDPOINT_METHODS = ["GET", "HEAD", "POST"] as const;

/**
 * Maps a request target to a route. The trailing slash is required, as the runtime always
 * sends it:
 *
 *   /api/                   -> index
 *   /api/mypackage/run/     -> endpoint "mypackage/run"
 *   /api/mypackage/run      -> missing, with a hint naming "/api/mypackage/run/"
 */
export function resolveRoute(target: string): Route {
  const path = target.split(/[?#]/, 1)[0] ?? "";
  if (path === "/api/") return { kind: "index" };
  if (path !== "/api" && !path.startsWith("/api/")) {
    return { kind: "missing", reason: `no such path ${quote(path)}; the API lives under /api/` };
  }
  if (!path.endsWith("/")) {
    return {
      kind: "missing",
      reason: `no such path ${quote(path)}; endpoint paths end with a slash: ${quote(path + "/")}`,
    };
  }

  const segments = path.slice("/api/".length, -1).split("/");
  const decoded: string[] = [];
  for (const segment of segments) {
    const name = decodeSegment(segment);
    if (name === undefined) {
      return {
        kind: "missing",
        reason: `no such path ${quote(path)}; bad segment ${quote(segment)}`,
      };
    }
    decoded.push(name);
  }
  return { kind: "endpoint", endpoint: decoded.join("/") };
}

/** A segment is non-empty, valid percent-encoding, with no slash or control character. */
function decodeSegment(segment: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  if (name === "" || name === "." || name === ".." || /[/\\\p{Cc}]/u.test(name)) return undefined;
  return name;
}

/** Parses a body as the collector accepts it: UTF-8 JSON holding one object. Any Content-Type. */
export function parseRecordBody(
  bytes: Buffer,
): { ok: true; body: Record<string, unknown> } | { ok: false; reason: string } {
  if (bytes.length === 0) return { ok: false, reason: "empty body; expected a JSON object" };

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: "body is not valid UTF-8" };
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `malformed JSON: ${detail}` };
  }
  if (!isPlainObject(value)) {
    return { ok: false, reason: `expected a JSON object, got ${describeJsonType(value)}` };
  }
  return { ok: true, body: value };
}

function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(value, null, 2) + "\n";
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  reason: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: reason }, headers);
}

/**
 * After an early answer (413), keep reading and dropping the rest of the body for a moment so
 * the client gets to read the answer instead of a connection reset; then cut the connection.
 */
export function discardRest(req: IncomingMessage, lingerMs: number): void {
  req.removeAllListeners("data");
  req.resume();
  if (req.complete) return;
  const timer = setTimeout(() => req.socket.destroy(), lingerMs);
  timer.unref();
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
}

/** Makes text from a request safe to print on one terminal line. */
export function printable(text: string, maxLength = 120): string {
  const escaped = text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, (char) => {
    return "\\u" + char.charCodeAt(0).toString(16).padStart(4, "0");
  });
  return escaped.length > maxLength ? escaped.slice(0, maxLength - 3) + "..." : escaped;
}

function quote(text: string): string {
  return JSON.stringify(printable(text, 200));
}

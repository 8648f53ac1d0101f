// Which undelivered records are worth another try, and when the next try may come.
import { RESEND_BACKOFF_BASE_MS, RESEND_BACKOFF_MAX_MS } from "./limits.js";
import type { Undelivered } from "./undelivered.js";

/**
 * A record is tried again when the server could not be reached, did not answer in time,
 * failed (5xx), asked for time (408, 429), or when the process ended first. A server that
 * refused the record itself (any other 4xx, or a redirect, which is not followed) would refuse
 * it again: it is not retried.
 */
export function isRetryable(problem: Undelivered): boolean {
  if (problem.outcome === "dropped") return problem.reason !== "too-large";
  const status = problem.status;
  if (status === undefined) return true;
  return status >= 500 || status === 408 || status === 429;
}

/** Retry-After (seconds, or an HTTP date) in milliseconds from now; 0 when absent or invalid. */
export function parseRetryAfter(value: string | null, nowMs: number): number {
  if (value === null) return 0;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - nowMs;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, RESEND_BACKOFF_MAX_MS) : 0;
}

/**
 * How long a spooled record waits before its next try: none after its first failure (the next
 * process tries at once), then 30 s, doubling per try, at most an hour.
 */
export function backoffMs(attempts: number): number {
  if (attempts <= 1) return 0;
  return Math.min(RESEND_BACKOFF_BASE_MS * 2 ** (attempts - 2), RESEND_BACKOFF_MAX_MS);
}

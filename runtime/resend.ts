// The spool's reading side: a process of any instrumented package takes spooled records and
// sends them to their original URL with their original headers.
//
// When (spool-path.ts): RESEND_DELAY_MS after load (an unref'd timer), or at the program's
// natural end if that comes first, so a short program delivers the spool too; the exit wait
// covers these requests as it covers the program's own. Never in debug mode or when the user
// opted out.
//
// Exactly once between processes: a process takes a file by renaming it to its claim name. A
// rename succeeds for one process only, so no record is sent by two. When its records are
// settled, the claim is given back: removed, or (when some must be tried again) rewritten in
// place and renamed to a ready name. A process gives back its claims within
// SPOOL_CLAIM_HOLD_MS and always at exit; a claim left by a process that died is taken over
// (spool-dir.ts, isStale).
import { readFileSync, renameSync, rmSync, statSync, unlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { handleInternalError } from "./errors.js";
import {
  MAX_RECORD_BYTES,
  MAX_SPOOL_AGE_MS,
  RESEND_BATCH_RECORDS,
  SPOOL_CLAIM_HOLD_MS,
} from "./limits.js";
import { describeError } from "./placeholders.js";
import { backoffMs, isRetryable } from "./retry.js";
import { abortRequest, dispatch } from "./sender.js";
import {
  claimName,
  isStale,
  listSpool,
  openSpoolDir,
  readyName,
  writeAtomically,
  type ReadyFile,
} from "./spool-dir.js";
import { spoolFileText } from "./spool.js";
import { state, type Claim, type ResendItem, type SpooledRecord } from "./state.js";
import { loseRecords, warnLimited, warnSpool, type Undelivered } from "./undelivered.js";
import { isValidHeaderName, isValidHeaderValue } from "./validate.js";

/** A temporary file older than this was left by a writer that died; it is removed. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** Takes up to RESEND_BATCH_RECORDS spooled records and queues them. Runs once per process. */
export function startResend(): void {
  const spool = state.spool;
  if (spool.resendStarted || !state.gate.enabled || state.debug) return;
  spool.resendStarted = true;

  const opened = openSpoolDir(false);
  if ("problem" in opened) {
    warnSpool("ATT_SPOOL_UNAVAILABLE", `the spool cannot be used: ${opened.problem}`);
    return;
  }
  const dir = opened.dir;
  if (dir === undefined) return;

  const now = Date.now();
  const listing = listSpool(dir);
  removeStaleTemps(dir, listing.temps, now);
  const candidates: Array<{ name: string; file: ReadyFile; readyName: string }> = [];
  for (const claimed of listing.claimed) {
    if (isStale(claimed, now))
      candidates.push({ name: claimed.name, file: claimed, readyName: claimed.readyName });
  }
  const due = listing.ready.filter((file) => file.notBeforeMs <= now);
  due.sort((a, b) => a.notBeforeMs - b.notBeforeMs || a.name.localeCompare(b.name));
  for (const file of due) candidates.push({ name: file.name, file, readyName: file.name });

  let taken = 0;
  for (const candidate of candidates) {
    if (taken >= RESEND_BATCH_RECORDS) break;
    const path = join(dir, claimName(candidate.readyName, now));
    try {
      renameSync(join(dir, candidate.name), path);
    } catch {
      continue; // another process took it first
    }
    taken += openClaim(dir, path, candidate.file.records, now);
  }
  if (spool.claims.size === 0) return;
  spool.holdTimer = setTimeout(giveBackSafely, SPOOL_CLAIM_HOLD_MS);
  spool.holdTimer.unref();
  dispatch();
}

/** Reads a claimed file and queues its records; returns how many were queued. */
function openClaim(dir: string, path: string, declared: number, nowMs: number): number {
  const claim: Claim = { path, unsettled: 0, back: [], retryAfterMs: 0, released: false };
  let records: unknown[];
  try {
    records = readRecords(readFileSync(path, "utf8"));
  } catch (error) {
    loseRecords(declared, "corrupt");
    warnSpool(
      "ATT_SPOOL_CORRUPT",
      `${path} is not a spool file (${describeError(error)}); removed, ${declared} record(s) lost`,
    );
    rmSync(path, { force: true });
    return 0;
  }

  let corrupt = 0;
  let expired = 0;
  for (const value of records) {
    const record = checkRecord(value);
    if (record === undefined) corrupt += 1;
    else if (nowMs - record.spooledAt > MAX_SPOOL_AGE_MS) expired += 1;
    else {
      claim.unsettled += 1;
      state.spool.resendQueue.push({ record, claim });
    }
  }
  if (corrupt > 0) {
    loseRecords(corrupt, "corrupt");
    warnSpool("ATT_SPOOL_CORRUPT", `${corrupt} unreadable record(s) in ${path} were lost`);
  }
  if (expired > 0) {
    loseRecords(expired, "expired");
    warnSpool(
      "ATT_SPOOL_EXPIRED",
      `${expired} spooled record(s) older than ${MAX_SPOOL_AGE_MS / 86_400_000} days were discarded`,
    );
  }
  state.spool.claims.add(claim);
  if (claim.unsettled === 0) release(claim, dir);
  return claim.unsettled;
}

/** The records of a spool file, parsed with JSON.parse only: nothing in it is evaluated. */
function readRecords(text: string): unknown[] {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || !("records" in parsed)) {
    throw new Error('expected { "spool": 1, "records": [...] }');
  }
  if (!("spool" in parsed) || parsed.spool !== 1 || !Array.isArray(parsed.records)) {
    throw new Error('expected { "spool": 1, "records": [...] }');
  }
  return parsed.records;
}

/** A spooled record when `value` is one, with an http(s) URL, sound headers and a JSON body. */
function checkRecord(value: unknown): SpooledRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const field = (name: string): unknown => Reflect.get(value, name);
  const [url, headers, body] = [field("url"), field("headers"), field("body")];
  const [spooledAt, attempts] = [field("spooledAt"), field("attempts")];
  if (typeof url !== "string" || !isHttpUrl(url)) return undefined;
  if (typeof body !== "string" || Buffer.byteLength(body) > MAX_RECORD_BYTES) return undefined;
  if (!isJsonObject(body)) return undefined;
  if (typeof spooledAt !== "number" || !Number.isFinite(spooledAt)) return undefined;
  if (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 0) return undefined;
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return undefined;
  const checked: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(headers)) {
    if (!isValidHeaderName(name) || typeof headerValue !== "string") return undefined;
    if (!isValidHeaderValue(headerValue)) return undefined;
    checked[name] = headerValue;
  }
  return { url, headers: checked, body, spooledAt, attempts };
}

function isHttpUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** Where a spooled record's try ended: delivered (no problem), put back, or lost. */
export function settleResend(item: ResendItem, problem: Undelivered | undefined): void {
  const { claim, record } = item;
  claim.unsettled -= 1;
  if (problem === undefined) {
    state.counters.resent += 1;
  } else if (isRetryable(problem)) {
    claim.back.push({ ...record, attempts: record.attempts + 1 });
    if (problem.outcome === "failed" && problem.retryAfterMs !== undefined) {
      claim.retryAfterMs = Math.max(claim.retryAfterMs, problem.retryAfterMs);
    }
  } else {
    loseRecords(1, "rejected");
    if (problem.outcome === "failed") {
      warnLimited(
        "ATT_SEND_FAILED",
        `a spooled record was refused: ${problem.detail}; not retried`,
      );
    }
  }
  if (claim.unsettled === 0 && !claim.released) releaseSafely(claim);
}

function giveBackSafely(): void {
  try {
    giveBackAll();
    dispatch();
  } catch (error) {
    handleInternalError(error, "warn");
  }
}

/**
 * Gives back every claim now: records still queued go back untried, requests in flight are
 * aborted and go back as tried. Synchronous; runs at exit and when the hold time is over.
 */
export function giveBackAll(): void {
  const spool = state.spool;
  if (spool.holdTimer !== undefined) clearTimeout(spool.holdTimer);
  spool.holdTimer = undefined;
  for (const item of spool.resendQueue.splice(0, spool.resendQueue.length)) {
    item.claim.back.push(item.record);
    item.claim.unsettled -= 1;
  }
  for (const request of [...state.sender.active]) {
    if ("claim" in request.item) abortRequest(request, "exit");
  }
  for (const claim of [...spool.claims]) if (!claim.released) releaseSafely(claim);
}

function releaseSafely(claim: Claim): void {
  try {
    const opened = openSpoolDir(false);
    release(claim, "dir" in opened && opened.dir !== undefined ? opened.dir : undefined);
  } catch (error) {
    handleInternalError(error, "warn");
  }
}

/**
 * Gives a claim back. With nothing to put back the file is removed. Otherwise the records to
 * try again replace the claimed file's content (a rename over it, so a crash leaves either the
 * old or the new content, both still claimed and taken over later), then the file is renamed
 * to a ready name whose notBefore is the backoff or the server's Retry-After.
 */
function release(claim: Claim, dir: string | undefined): void {
  const spool = state.spool;
  claim.released = true;
  spool.claims.delete(claim);
  if (spool.claims.size === 0 && spool.holdTimer !== undefined) {
    clearTimeout(spool.holdTimer);
    spool.holdTimer = undefined;
  }
  if (claim.back.length === 0) {
    unlinkSync(claim.path);
    return;
  }
  if (dir === undefined) throw new Error(`the spool directory of ${claim.path} is gone`);
  const attempts = Math.max(...claim.back.map((record) => record.attempts));
  const notBefore = Date.now() + Math.max(backoffMs(attempts), claim.retryAfterMs);
  const text = spoolFileText(claim.back.map((record) => JSON.stringify(record)));
  writeAtomically(dir, basename(claim.path), text);
  renameSync(
    claim.path,
    join(dir, readyName(notBefore, claim.back.length, Buffer.byteLength(text))),
  );
  state.counters.respooled += claim.back.length;
}

function removeStaleTemps(dir: string, temps: readonly string[], nowMs: number): void {
  for (const name of temps) {
    try {
      const path = join(dir, name);
      if (nowMs - statSync(path).mtimeMs > STALE_TEMP_MS) rmSync(path, { force: true });
    } catch {
      // Renamed or removed by its writer meanwhile.
    }
  }
}

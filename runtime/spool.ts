// The spool's writing side. A record of this process that could not be delivered but is worth
// another try waits in memory (at most MAX_SPOOL_RECORDS) and is written off the call path:
// SPOOL_WRITE_DELAY_MS later by an unref'd timer, or synchronously when the process ends. One
// file per batch, written whole or not at all, within the spool's bounds (records and bytes,
// counted over every file of every process); what does not fit is counted as lost.
import { MAX_SPOOL_BYTES, MAX_SPOOL_RECORDS, SPOOL_WRITE_DELAY_MS } from "./limits.js";
import { handleInternalError } from "./errors.js";
import { prepareRequest } from "./prepare.js";
import { listSpool, openSpoolDir, readyName, writeAtomically } from "./spool-dir.js";
import { state, type PreparedRequest, type QueueItem, type SpooledRecord } from "./state.js";
import { describeError } from "./placeholders.js";
import { loseRecords, warnSpool } from "./undelivered.js";

/** The JSON around a file's records: `{"spool":1,"records":[...]}`. */
const FILE_OVERHEAD_BYTES = 24;

/** Keeps an undelivered record for a later run. Cheap: the file is written later. */
export function keepForLater(
  item: QueueItem,
  request: PreparedRequest | undefined,
  retryAfterMs: number,
): void {
  const spool = state.spool;
  if (spool.pending.length >= MAX_SPOOL_RECORDS) {
    loseRecords(1, "spool-full");
    warnSpool(
      "ATT_SPOOL_FULL",
      `${MAX_SPOOL_RECORDS} records already wait for the spool; one more was lost`,
    );
    return;
  }
  spool.pending.push({
    item,
    request,
    attempts: request === undefined ? 0 : 1,
    // Rounded up to the second, so that one burst of answers makes one file.
    notBefore: retryAfterMs > 0 ? Math.ceil((Date.now() + retryAfterMs) / 1000) * 1000 : 0,
  });
  if (spool.writeTimer === undefined) {
    spool.writeTimer = setTimeout(writePendingSafely, SPOOL_WRITE_DELAY_MS);
    spool.writeTimer.unref();
  }
}

function writePendingSafely(): void {
  try {
    writePending();
  } catch (error) {
    handleInternalError(error, "warn");
  }
}

/** Writes every waiting record to the spool now (synchronously: it also runs at `exit`). */
export function writePending(): void {
  const spool = state.spool;
  if (spool.writeTimer !== undefined) clearTimeout(spool.writeTimer);
  spool.writeTimer = undefined;
  const waiting = spool.pending.splice(0, spool.pending.length);
  if (waiting.length === 0) return;

  const now = Date.now();
  const batches = new Map<number, SpooledRecord[]>();
  for (const { item, request, attempts, notBefore } of waiting) {
    const prepared = request ?? prepareRequest(item);
    if (prepared === undefined) {
      loseRecords(1, "too-large");
      continue;
    }
    const batch = batches.get(notBefore) ?? [];
    batch.push({ ...prepared, spooledAt: now, attempts });
    batches.set(notBefore, batch);
  }

  let dir: string | undefined;
  try {
    const opened = openSpoolDir(true);
    if ("problem" in opened) throw new Error(opened.problem);
    dir = opened.dir;
  } catch (error) {
    const count = [...batches.values()].reduce((sum, batch) => sum + batch.length, 0);
    loseRecords(count, "spool-unavailable");
    warnSpool(
      "ATT_SPOOL_UNAVAILABLE",
      `the spool cannot be used (${describeError(error)}); ${count} record(s) lost`,
    );
    return;
  }
  if (dir === undefined) return;
  for (const [notBefore, records] of batches) writeBatch(dir, records, notBefore);
}

/** Writes records as one new spool file, as many as the bounds leave room for. */
function writeBatch(dir: string, records: SpooledRecord[], notBefore: number): void {
  const listing = listSpool(dir);
  const roomRecords = MAX_SPOOL_RECORDS - listing.records;
  let roomBytes = MAX_SPOOL_BYTES - listing.bytes - FILE_OVERHEAD_BYTES;
  const kept: string[] = [];
  for (const record of records) {
    const text = JSON.stringify(record);
    const bytes = Buffer.byteLength(text) + 1;
    if (kept.length >= roomRecords || bytes > roomBytes) continue;
    kept.push(text);
    roomBytes -= bytes;
  }

  const overflow = records.length - kept.length;
  if (overflow > 0) {
    loseRecords(overflow, "spool-full");
    warnSpool(
      "ATT_SPOOL_FULL",
      `the spool is full (${MAX_SPOOL_RECORDS} records or ${MAX_SPOOL_BYTES} bytes); ` +
        `${overflow} record(s) lost`,
    );
  }
  if (kept.length === 0) return;
  try {
    const text = spoolFileText(kept);
    writeAtomically(dir, readyName(notBefore, kept.length, Buffer.byteLength(text)), text);
    state.counters.spooled += kept.length;
  } catch (error) {
    loseRecords(kept.length, "spool-unavailable");
    warnSpool(
      "ATT_SPOOL_UNAVAILABLE",
      `could not write to the spool in ${dir} (${describeError(error)}); ` +
        `${kept.length} record(s) lost`,
    );
  }
}

/** A spool file's content from records already in JSON. */
export function spoolFileText(records: readonly string[]): string {
  return `{"spool":1,"records":[${records.join(",")}]}`;
}

// The spool directory (spool-path.ts says where): the checks before it is used, and its file
// names. It is a directory only its user can enter (0700) holding files only that user can
// read (0600). File names carry what a reader needs without opening the file:
//
//   r-<notBeforeMs>-<records>-<bytes>-<tag>.json                   ready, to be sent after notBefore
//   r-<...>.json.claim-<claimedAtMs>-<pid>-<host>                   taken by one process
//   .tmp-<tag>                                                      being written
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { SPOOL_CLAIM_STALE_MS } from "./limits.js";
import { spoolDirPath } from "./spool-path.js";

export interface ReadyFile {
  readonly name: string;
  readonly notBeforeMs: number;
  readonly records: number;
  readonly bytes: number;
}

export interface ClaimedFile extends ReadyFile {
  /** The ready name the file had before it was claimed. */
  readonly readyName: string;
  readonly claimedAtMs: number;
  readonly pid: number;
  readonly host: string;
}

export interface SpoolListing {
  readonly ready: ReadyFile[];
  readonly claimed: ClaimedFile[];
  readonly temps: string[];
  /** Records and bytes in every ready and claimed file. */
  readonly records: number;
  readonly bytes: number;
}

const READY = /^r-(\d+)-(\d+)-(\d+)-[0-9a-z-]+\.json$/;
const CLAIMED = /^(r-\d+-\d+-\d+-[0-9a-z-]+\.json)\.claim-(\d+)-(\d+)-([0-9a-f]{8})$/;
const TEMP = /^\.tmp-[0-9a-z-]+$/;

let hostTag: string | undefined;
let sequence = 0;

/**
 * The spool directory when it can be used: a real directory of this user, tightened to 0700
 * if it is not. With `create`, a missing one is made (0700, its parents too); without, a
 * missing one is `{ dir: undefined }`. Anything else is a problem, said in words.
 */
export function openSpoolDir(create: boolean): { dir: string | undefined } | { problem: string } {
  const dir = spoolDirPath();
  let stats = lstatOrUndefined(dir);
  if (stats === undefined) {
    if (!create) return { dir: undefined };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    stats = lstatSync(dir);
  }
  if (!stats.isDirectory()) return { problem: `${dir} is not a directory` };
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    return { problem: `${dir} belongs to another user (uid ${stats.uid})` };
  }
  if ((stats.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return { dir };
}

export function listSpool(dir: string): SpoolListing {
  const ready: ReadyFile[] = [];
  const claimed: ClaimedFile[] = [];
  const temps: string[] = [];
  for (const name of readdirSync(dir)) {
    const readyFile = parseReady(name);
    const claimedFile = readyFile === undefined ? parseClaimed(name) : undefined;
    if (readyFile !== undefined) ready.push(readyFile);
    else if (claimedFile !== undefined) claimed.push(claimedFile);
    else if (TEMP.test(name)) temps.push(name);
  }
  let records = 0;
  let bytes = 0;
  for (const file of [...ready, ...claimed]) {
    records += file.records;
    bytes += file.bytes;
  }
  return { ready, claimed, temps, records, bytes };
}

function parseReady(name: string): ReadyFile | undefined {
  const match = READY.exec(name);
  if (match === null) return undefined;
  return {
    name,
    notBeforeMs: Number(match[1]),
    records: Number(match[2]),
    bytes: Number(match[3]),
  };
}

function parseClaimed(name: string): ClaimedFile | undefined {
  const match = CLAIMED.exec(name);
  const ready = match === null ? undefined : parseReady(match[1]);
  if (match === null || ready === undefined) return undefined;
  return {
    ...ready,
    name,
    readyName: ready.name,
    claimedAtMs: Number(match[2]),
    pid: Number(match[3]),
    host: match[4],
  };
}

export function readyName(notBeforeMs: number, records: number, bytes: number): string {
  return `r-${Math.max(0, Math.floor(notBeforeMs))}-${records}-${bytes}-${uniqueTag()}.json`;
}

export function claimName(ready: string, nowMs: number): string {
  return `${ready}.claim-${nowMs}-${process.pid}-${thisHost()}`;
}

/**
 * A claim is stale, and may be taken over, once it is older than SPOOL_CLAIM_STALE_MS (a live
 * process gives its claims back well before), or at once when it was made on this host by a
 * process that no longer exists.
 */
export function isStale(claim: ClaimedFile, nowMs: number): boolean {
  if (nowMs - claim.claimedAtMs > SPOOL_CLAIM_STALE_MS) return true;
  return claim.host === thisHost() && claim.pid !== process.pid && !processExists(claim.pid);
}

/**
 * Writes `text` as `dir/name`, whole or not at all: a temporary file (0600, created exclusively)
 * renamed into place.
 */
export function writeAtomically(dir: string, name: string, text: string): void {
  const temp = join(dir, `.tmp-${uniqueTag()}`);
  try {
    writeFileSync(temp, text, { mode: 0o600, flag: "wx" });
    renameSync(temp, join(dir, name));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

// Unique across the processes of one host (pid, sequence) and, in practice, across hosts
// sharing a home directory (time, random part). Math.random spares loading node:crypto.
function uniqueTag(): string {
  sequence += 1;
  const random = Math.floor(Math.random() * 2 ** 32).toString(36);
  return `${process.pid.toString(36)}-${Date.now().toString(36)}-${sequence.toString(36)}-${random}`;
}

// The host name as 8 hex digits (FNV-1a), so that any host name fits a file name.
function thisHost(): string {
  if (hostTag === undefined) {
    const os: typeof import("node:os") = require("node:os");
    let hash = 0x811c9dc5;
    for (const char of os.hostname()) {
      hash ^= char.codePointAt(0) ?? 0;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    hostTag = hash.toString(16).padStart(8, "0");
  }
  return hostTag;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return typeof error === "object" && error !== null && "code" in error && error.code === "EPERM";
  }
}

function lstatOrUndefined(path: string): import("node:fs").Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if (typeof error === "object" && error !== null && "code" in error) {
      if (error.code === "ENOENT") return undefined;
    }
    throw error;
  }
}

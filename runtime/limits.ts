// Every bound and default of the runtime, written once. docs/runtime.md documents each one.

export const PRODUCTION_SERVER_URL = "https://reporting.access-nri-store.cloud.edu.au/api/";
export const STAGING_SERVER_URL = "https://reporting-dev.access-nri-store.cloud.edu.au/api/";

/** Nesting below this depth becomes a placeholder. */
export const MAX_DEPTH = 8;
/** Longer strings keep this many characters and a "[Truncated: N chars]" mark. */
export const MAX_STRING_CHARS = 1_000;
/** Arrays, objects, Maps and Sets keep this many entries and a truncation mark. */
export const MAX_ENTRIES = 100;
/** Characters that the args and kwargs of one call may take before further values are cut. */
export const MAX_ARGUMENT_CHARS = 32_768;
/** A record's JSON body (UTF-8 bytes) never exceeds this. */
export const MAX_RECORD_BYTES = 65_536;
/** A service's extra fields (JSON, UTF-8 bytes) may not exceed this. */
export const MAX_EXTRA_FIELDS_BYTES = 16_384;

/** Records waiting to be sent; past this, new records are dropped (reason "queue-full"). */
export const MAX_QUEUED_RECORDS = 1_000;
/** Requests on the wire at the same time (also the agent's socket bound). */
export const MAX_IN_FLIGHT = 8;
/** Default per-request timeout; `requestTimeoutMs = null` means none. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** How long the process is held open at its natural end to deliver what is pending. */
export const DEFAULT_EXIT_GRACE_MS = 40;
/** The natural-end wait never exceeds this (or exitGraceMs, when that is larger). */
export const MAX_EXIT_WAIT_MS = 1_000;
/** Default bound of `flush()`. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 10_000;
/** Send-failure warnings (staging only) before further failures are only counted. */
export const MAX_SEND_WARNINGS = 10;

/** Records the spool holds at most, across every process of the user. */
export const MAX_SPOOL_RECORDS = 1_000;
/** Bytes the spool files take at most, across every process of the user. */
export const MAX_SPOOL_BYTES = 4 * 1024 * 1024;
/** A spooled record older than this is discarded (reason "expired"). */
export const MAX_SPOOL_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** Undelivered records wait this long in memory before they are written (at exit, at once). */
export const SPOOL_WRITE_DELAY_MS = 1_000;
/** How long after load a process takes records from the spool (its natural end, if sooner). */
export const RESEND_DELAY_MS = 200;
/** Records one process takes from the spool. */
export const RESEND_BATCH_RECORDS = 100;
/** A process gives back what it took from the spool within this time. */
export const SPOOL_CLAIM_HOLD_MS = 30_000;
/** A claim older than this is taken over; one whose process is gone (same host) at once. */
export const SPOOL_CLAIM_STALE_MS = 120_000;
/** A spooled record that failed again waits this long before the next try, doubling per try. */
export const RESEND_BACKOFF_BASE_MS = 30_000;
/** The longest wait between tries, and the longest Retry-After honoured. */
export const RESEND_BACKOFF_MAX_MS = 60 * 60 * 1000;

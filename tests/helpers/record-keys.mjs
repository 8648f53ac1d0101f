// The record's standard keys, in the order design.md gives them; extra fields follow.
export const STANDARD_RECORD_KEYS = Object.freeze([
  "name",
  "function",
  "args",
  "kwargs",
  "session_id",
  "timestamp",
  "config_version",
]);

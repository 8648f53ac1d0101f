import { open, readFile, type FileHandle } from "node:fs/promises";

/** A record as the collector stores and lists it: the body posted, plus its id and endpoint. */
export interface StoredRecord {
  readonly id: number;
  readonly endpoint: string;
  readonly [field: string]: unknown;
}

export interface EndpointCount {
  readonly endpoint: string;
  readonly count: number;
}

/** Fields the collector sets itself; a body carrying them is refused, not overwritten. */
export const RESERVED_FIELDS: readonly string[] = ["id", "endpoint"];

/** The records in memory, in arrival order, with ids that keep counting from the highest seen. */
export class RecordStore {
  readonly all: StoredRecord[] = [];
  private readonly byEndpoint = new Map<string, StoredRecord[]>();
  private nextId = 1;

  /** Builds the stored form of a body and reserves its id; `insert` makes it visible. */
  create(endpoint: string, body: Record<string, unknown>): StoredRecord {
    const record: StoredRecord = { id: this.nextId, endpoint, ...body };
    this.nextId += 1;
    return record;
  }

  insert(record: StoredRecord): void {
    this.all.push(record);
    this.nextId = Math.max(this.nextId, record.id + 1);
    const list = this.byEndpoint.get(record.endpoint);
    if (list) list.push(record);
    else this.byEndpoint.set(record.endpoint, [record]);
  }

  list(endpoint: string): readonly StoredRecord[] {
    return this.byEndpoint.get(endpoint) ?? [];
  }

  endpoints(): EndpointCount[] {
    return [...this.byEndpoint]
      .map(([endpoint, records]) => ({ endpoint, count: records.length }))
      .sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  }
}

/**
 * Reads a JSON Lines file written by `RecordLog` back into the store. A line that is not a
 * stored record is reported through `warn` with its line number and skipped. A missing file
 * is an empty log. Returns how many records were loaded.
 */
export async function loadRecords(
  file: string,
  store: RecordStore,
  warn: (message: string) => void,
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isErrnoException(error) && error.code === "ENOENT") return 0;
    throw error;
  }

  let loaded = 0;
  const seen = new Set<number>();
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const result = parseStoredLine(line);
    if (typeof result === "string") {
      warn(`${file}:${index + 1}: skipped a corrupt line (${result})`);
      continue;
    }
    if (seen.has(result.id)) {
      warn(`${file}:${index + 1}: skipped a line with duplicate id ${result.id}`);
      continue;
    }
    seen.add(result.id);
    store.insert(result);
    loaded += 1;
  }
  return loaded;
}

/** Returns the record, or the reason the line is not one. */
function parseStoredLine(line: string): StoredRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!isPlainObject(value)) return "expected a JSON object";
  const { id, endpoint } = value;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    return 'expected "id" to be a positive integer';
  }
  if (typeof endpoint !== "string" || endpoint === "") {
    return 'expected "endpoint" to be a non-empty string';
  }
  return { ...value, id, endpoint };
}

/** Appends records to a JSON Lines file, one write at a time, in the order they were accepted. */
export class RecordLog {
  private tail: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens (or creates, readable by the user alone) the file for appending. */
  static async open(file: string): Promise<RecordLog> {
    const handle = await open(file, "a+", 0o600);
    const log = new RecordLog(file, handle);
    await log.endPartialLine();
    return log;
  }

  /** A line cut short (the process died mid-write) must not swallow the next record. */
  private async endPartialLine(): Promise<void> {
    const { size } = await this.handle.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    await this.handle.read(last, 0, 1, size - 1);
    if (last[0] !== 0x0a) await this.handle.appendFile("\n");
  }

  append(record: StoredRecord): Promise<void> {
    const line = JSON.stringify(record) + "\n";
    const written = this.tail.then(() => this.handle.appendFile(line, "utf8"));
    this.tail = written.catch(() => undefined);
    return written;
  }

  /** Waits for pending appends, syncs and closes the file. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.tail.then(() => this.handle.sync()).finally(() => this.handle.close());
    return this.closing;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}

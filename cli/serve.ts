import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { integerOption, withUsageErrors } from "./args.js";
import { COLLECTOR_DEFAULTS, startCollector, type StoredRecord } from "./collector.js";
import { printable } from "./collector-http.js";
import { EXIT_FAILURE, EXIT_OK, writeLine, type CliIo, type Command } from "./io.js";

const HELP = `Usage: access-ts-telemetry serve [options]

Runs the local collector: an HTTP server that accepts records as the reporting server
does (POST /api/<endpoint path>/), stores them and lists them on GET. Point a runtime's
serverUrl at the URL it prints. Stops cleanly on SIGINT or SIGTERM.

Options:
  --port <n>             port to listen on, 0 for a free one (default ${COLLECTOR_DEFAULTS.port})
  --host <address>       address to listen on (default ${COLLECTOR_DEFAULTS.host})
  --out <file>           append every accepted record to this JSON Lines file, and load
                         the records already in it on start (default: memory only)
  --max-body-bytes <n>   largest request body accepted; larger ones get 413
                         (default ${COLLECTOR_DEFAULTS.maxBodyBytes}, 1 MiB)
  -h, --help             show this help`;

export const serveCommand: Command = {
  name: "serve",
  summary: "run the local collector that stores and lists records",
  help: HELP,
  run: runServe,
};

async function runServe(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = withUsageErrors(serveCommand, () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        out: { type: "string" },
        "max-body-bytes": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  if (values.help) {
    writeLine(io.stdout, HELP);
    return EXIT_OK;
  }
  const port = integerOption(serveCommand, "port", values.port, COLLECTOR_DEFAULTS.port, 0, 65535);
  const maxBodyBytes = integerOption(
    serveCommand,
    "max-body-bytes",
    values["max-body-bytes"],
    COLLECTOR_DEFAULTS.maxBodyBytes,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const host = values.host ?? COLLECTOR_DEFAULTS.host;
  const outFile = values.out === undefined ? undefined : resolve(values.out);

  let collector;
  try {
    collector = await startCollector({
      port,
      host,
      outFile,
      maxBodyBytes,
      onRecord: (record) => writeLine(io.stdout, describeRecord(record)),
      onWarning: (message) => writeLine(io.stderr, `warning: ${message}`),
    });
  } catch (error) {
    writeLine(io.stderr, `error: ${describeStartError(error, host, port, outFile)}`);
    return EXIT_FAILURE;
  }

  if (outFile !== undefined) {
    writeLine(io.stdout, `loaded ${collector.loadedCount} record(s) from ${outFile}`);
  }
  writeLine(io.stdout, `listening on ${collector.url}`);

  await stopRequested(io.signal);
  await collector.close();
  writeLine(io.stdout, `stopped; ${collector.records.length} record(s) stored`);
  return EXIT_OK;
}

/** `2024-12-19T07:34:44.229Z mypackage/run Experiment.run id=3` */
function describeRecord(record: StoredRecord): string {
  const fn = typeof record.function === "string" ? record.function : "-";
  const time = new Date().toISOString();
  return `${time} ${printable(record.endpoint)} ${printable(fn)} id=${record.id}`;
}

function describeStartError(
  error: unknown,
  host: string,
  port: number,
  outFile: string | undefined,
): string {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "EADDRINUSE") {
    const hint = "choose another with --port (0 picks a free one)";
    return `cannot listen on ${host}:${port}: the port is in use; ${hint}`;
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
    return `cannot listen on ${host}: no such local address; check --host`;
  }
  if (
    code === "EACCES" &&
    error instanceof Error &&
    "syscall" in error &&
    error.syscall === "listen"
  ) {
    return `cannot listen on ${host}:${port}: permission denied; use a port above 1023`;
  }
  if (outFile !== undefined && typeof code === "string") {
    return `cannot use --out ${outFile}: ${message}`;
  }
  return message;
}

/** Resolves when the signal aborts; without one, never (the process is stopped from outside). */
function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

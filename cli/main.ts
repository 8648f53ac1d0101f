#!/usr/bin/env node
import { checkCommand } from "./check.js";
import { disableCommand, enableCommand, statusCommand } from "./consent-commands.js";
import { serveCommand } from "./serve.js";
import { EXIT_OK, EXIT_USAGE, UsageError, writeLine, type CliIo, type Command } from "./io.js";
import { packageVersion } from "./version.js";

export type { CliIo, Command, TextSink } from "./io.js";
export { startCollector, COLLECTOR_DEFAULTS } from "./collector.js";
export type { Collector, CollectorOptions, StoredRecord } from "./collector.js";

const BIN = "access-ts-telemetry";

/** The subcommands, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  statusCommand,
  disableCommand,
  enableCommand,
  checkCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    `Usage: ${BIN} <command> [options]`,
    "",
    "Commands:",
    ...lines,
    `  ${"help".padEnd(width)}  show this help, or a command's help: help <command>`,
    "",
    "Options:",
    "  -h, --help     show this help",
    "  -V, --version  print the version",
    "",
    `Run "${BIN} <command> --help" for a command's options.`,
  ].join("\n");
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns the exit code:
 * 0 on success, 1 when the command failed, 2 on a usage error (message and usage on stderr).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    writeLine(io.stderr, `${BIN}: ${error.message}`);
    if (error.command) {
      writeLine(io.stderr, error.command.help.split("\n", 1)[0] ?? "");
      writeLine(io.stderr, `Run "${BIN} ${error.command.name} --help" for its options.`);
    } else {
      writeLine(io.stderr, usage());
    }
    return EXIT_USAGE;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError("missing command");
  if (first === "-h" || first === "--help") {
    writeLine(io.stdout, usage());
    return EXIT_OK;
  }
  if (first === "-V" || first === "--version") {
    writeLine(io.stdout, packageVersion());
    return EXIT_OK;
  }
  if (first === "help") return showHelp(rest, io);
  if (first.startsWith("-")) throw new UsageError(`unknown option "${first}"`);

  const command = findCommand(first);
  return command.run(rest, io);
}

function showHelp(argv: readonly string[], io: CliIo): number {
  if (argv.length > 1) throw new UsageError("help takes at most one command name");
  const [name] = argv;
  writeLine(io.stdout, name === undefined ? usage() : findCommand(name).help);
  return EXIT_OK;
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command) return command;
  const known = COMMANDS.map((candidate) => candidate.name).join(", ");
  throw new UsageError(`unknown command "${name}" (known commands: ${known}, help)`);
}

/** The bin: process's argv and streams; SIGINT/SIGTERM ask the running command to stop. */
function runAsBin(): void {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.exitCode = code;
    },
    (error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${BIN}: unexpected error: ${text}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runAsBin();

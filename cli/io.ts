/** What a command may touch: its output streams, its environment and a stop signal. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM by the bin; long-running commands (`serve`) stop when it fires. */
  readonly signal?: AbortSignal;
}

export interface TextSink {
  write(text: string): unknown;
}

/** A subcommand of the `access-ts-telemetry` bin. */
export interface Command {
  readonly name: string;
  /** One line for the command list in `--help`. */
  readonly summary: string;
  /** The full text printed by `<command> --help`. */
  readonly help: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad command-line input: reported with the usage on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export function writeLine(sink: TextSink, line: string): void {
  sink.write(line + "\n");
}

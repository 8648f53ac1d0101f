import { parseArgs } from "node:util";
import {
  OPT_OUT_VARIABLES,
  consentFilePath,
  readConsent,
  writeConsent,
  type ConsentDecision,
} from "../runtime/consent.js";
import { withUsageErrors } from "./args.js";
import { EXIT_FAILURE, EXIT_OK, writeLine, type CliIo, type Command } from "./io.js";

const PRECEDENCE = [
  "Precedence:",
  `  1. the environment: ${OPT_OUT_VARIABLES.join(" or ")} set to 1, true or yes`,
  "  2. the stored choice (access-ts-telemetry disable / enable)",
  "  3. the default: enabled",
].join("\n");

/** Where a decision came from. */
type Source = "environment" | "stored choice" | "default";

function sourceOf(decision: ConsentDecision): Source {
  if (decision.decidedBy === "default") return "default";
  const variables: readonly string[] = OPT_OUT_VARIABLES;
  return variables.includes(decision.decidedBy) ? "environment" : "stored choice";
}

/** The decision the stored choice alone gives, as if no opt-out variable were set. */
function storedDecision(env: NodeJS.ProcessEnv): ConsentDecision {
  const withoutOptOut = { ...env };
  for (const name of OPT_OUT_VARIABLES) delete withoutOptOut[name];
  return readConsent(withoutOptOut);
}

const STATUS_HELP = `Usage: access-ts-telemetry status [--json]

Says whether telemetry is enabled for instrumented packages run by this user, and which
setting decided: an environment variable, the stored choice file, or the default.

${PRECEDENCE}

Options:
  --json      print the status as one JSON object
  -h, --help  show this help`;

export const statusCommand: Command = {
  name: "status",
  summary: "say whether telemetry is on and which setting decided",
  help: STATUS_HELP,
  run: async (argv, io) => {
    const { values } = withUsageErrors(statusCommand, () =>
      parseArgs({
        args: [...argv],
        strict: true,
        allowPositionals: false,
        options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      }),
    );
    if (values.help) {
      writeLine(io.stdout, STATUS_HELP);
      return EXIT_OK;
    }
    return reportStatus(io, values.json === true);
  },
};

function reportStatus(io: CliIo, json: boolean): number {
  let file: string;
  try {
    file = consentFilePath(io.env);
  } catch (error) {
    writeLine(io.stderr, `error: cannot locate the stored choice: ${describe(error)}`);
    return EXIT_FAILURE;
  }
  const decision = readConsent(io.env);
  const stored = storedDecision(io.env);
  const storedChoice = sourceOf(stored) === "stored choice" ? stored.enabled : null;

  if (json) {
    const status = {
      enabled: decision.enabled,
      decidedBy: decision.decidedBy,
      source: sourceOf(decision),
      file,
      storedChoice,
      precedence: [...OPT_OUT_VARIABLES, file, "default"],
    };
    writeLine(io.stdout, JSON.stringify(status, null, 2));
    return EXIT_OK;
  }

  writeLine(io.stdout, `Telemetry is ${decision.enabled ? "enabled" : "disabled"}.`);
  writeLine(io.stdout, `Decided by: ${describeDecider(decision)}`);
  const storedText = storedChoice === null ? "none" : storedChoice ? "enabled" : "disabled";
  writeLine(io.stdout, `Stored choice: ${storedText} (${file})`);
  writeLine(io.stdout, PRECEDENCE);
  return EXIT_OK;
}

function describeDecider(decision: ConsentDecision): string {
  switch (sourceOf(decision)) {
    case "environment":
      return `the environment variable ${decision.decidedBy}`;
    case "stored choice":
      return `the stored choice in ${decision.decidedBy}`;
    case "default":
      return "the default (no opt-out variable set, no stored choice)";
  }
}

function choiceCommand(enabled: boolean): Command {
  const name = enabled ? "enable" : "disable";
  const effect = enabled ? "Switches telemetry back on" : "Switches telemetry off for good";
  const help = `Usage: access-ts-telemetry ${name}

${effect} for the instrumented packages this user runs, by storing
the choice in $XDG_CONFIG_HOME/access-ts-telemetry/consent.json (when XDG_CONFIG_HOME is
an absolute path), else ~/.config/access-ts-telemetry/consent.json, readable by the user
alone. An opt-out variable in the environment still decides first.

${PRECEDENCE}

Options:
  -h, --help  show this help`;
  const command: Command = {
    name,
    summary: enabled ? "store the choice to send telemetry" : "store the choice to send nothing",
    help,
    run: async (argv, io) => {
      const { values } = withUsageErrors(command, () =>
        parseArgs({
          args: [...argv],
          strict: true,
          allowPositionals: false,
          options: { help: { type: "boolean", short: "h" } },
        }),
      );
      if (values.help) {
        writeLine(io.stdout, help);
        return EXIT_OK;
      }
      return storeChoice(enabled, io);
    },
  };
  return command;
}

function storeChoice(enabled: boolean, io: CliIo): number {
  let file: string;
  try {
    file = writeConsent(enabled, io.env);
  } catch (error) {
    writeLine(io.stderr, `error: cannot store the choice: ${describe(error)}`);
    return EXIT_FAILURE;
  }
  writeLine(io.stdout, `Telemetry ${enabled ? "enabled" : "disabled"}; choice stored in ${file}`);

  const decision = readConsent(io.env);
  if (sourceOf(decision) === "environment") {
    const effect = enabled
      ? "still switches telemetry off; unset it for the stored choice to apply"
      : "switches telemetry off as well, and is checked before the stored choice";
    writeLine(io.stdout, `Note: the environment variable ${decision.decidedBy} ${effect}.`);
  }
  return EXIT_OK;
}

export const disableCommand = choiceCommand(false);
export const enableCommand = choiceCommand(true);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

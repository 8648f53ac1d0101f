import { dirname, relative, sep } from "node:path";
import { parseArgs } from "node:util";
import { KNOWN_SERVICES } from "../runtime/registry.js";
import { matchProgram } from "../transformer/match.js";
import type { Declaration, MatchResult } from "../transformer/types.js";
import { withUsageErrors } from "./args.js";
import {
  TRANSFORMER_SPECIFIER,
  loadProjects,
  loadTypeScript,
  resolveTsconfigPath,
  type CheckProblem,
  type CheckedEntry,
  type LoadedTypeScript,
} from "./check-project.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, writeLine, type CliIo, type Command } from "./io.js";

const HELP = `Usage: access-ts-telemetry check [-p tsconfig.json] [--strict] [--json]

Reads the ${TRANSFORMER_SPECIFIER} entry of a tsconfig (also one inherited through
"extends"; for a solution tsconfig, the entries of the projects it references) and its
config.yaml, builds the program with the project's TypeScript and prints, per service, its
endpoint and each entry with the declarations it tracks (file:line) or "no match" with the
closest names in the program. It matches exactly as the transformer does; nothing is emitted.

Options:
  -p, --project <path>  the tsconfig, or a directory holding tsconfig.json
                        (default: tsconfig.json in the current directory)
  --strict              exit 1 when an entry matches nothing
  --json                print the report as JSON instead of text
  -h, --help            show this help

Paths in the report are relative to the directory of the tsconfig.
Exit codes: 0 checked, 1 an entry matches nothing under --strict, 2 a usage error or a
problem in tsconfig.json, the plugin options or config.yaml (printed as file:line:col).`;

export const checkCommand: Command = {
  name: "check",
  summary: "show which declarations each config.yaml entry tracks, and which match nothing",
  help: HELP,
  run: runCheck,
};

/** One entry of config.yaml and what it matched, as the report shows it. */
interface EntryReport {
  readonly name: string;
  readonly config: { readonly line: number; readonly column: number };
  readonly matches: readonly {
    readonly file: string;
    readonly line: number;
    readonly column: number;
    readonly kind: string;
  }[];
  readonly closest?: readonly string[];
  readonly hint?: string;
}

interface ServiceReport {
  readonly name: string;
  readonly endpoint: string;
  /** Whether the reporting server's registry (the package's own config.yaml) lists it. */
  readonly registered: boolean;
  readonly entries: readonly EntryReport[];
}

interface ProjectReport {
  readonly tsconfig: string;
  readonly config: string;
  readonly services: readonly ServiceReport[];
}

interface CheckReport {
  readonly typescript: { readonly version: string; readonly source: "project" | "package" };
  readonly projects: readonly ProjectReport[];
  readonly matched: number;
  readonly unmatched: number;
  readonly problems: readonly CheckProblem[];
}

async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = withUsageErrors(checkCommand, () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        project: { type: "string", short: "p" },
        strict: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  if (values.help) {
    writeLine(io.stdout, HELP);
    return EXIT_OK;
  }

  const tsconfig = resolveTsconfigPath(values.project ?? "tsconfig.json", process.cwd());
  const base = dirname(tsconfig);
  const typescript = loadTypeScript(base);
  const loaded = loadProjects(typescript.ts, tsconfig);
  const problems = loaded.problems.map((problem) => ({
    ...problem,
    file: show(base, problem.file),
  }));
  for (const problem of problems) writeLine(io.stderr, formatProblem(problem));

  if (problems.some((problem) => problem.severity === "error")) {
    if (values.json) writeLine(io.stdout, JSON.stringify({ problems }, null, 2));
    return EXIT_USAGE;
  }

  const projects = loaded.entries.map((entry) => reportEntry(typescript, entry, base));
  const entries = projects.flatMap((project) => project.services.flatMap((s) => s.entries));
  const unmatched = entries.filter((entry) => entry.matches.length === 0).length;
  const report: CheckReport = {
    typescript: { version: typescript.version, source: typescript.source },
    projects,
    matched: entries.length - unmatched,
    unmatched,
    problems,
  };

  writeLine(io.stdout, values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return values.strict && unmatched > 0 ? EXIT_FAILURE : EXIT_OK;
}

function reportEntry(
  typescript: LoadedTypeScript,
  entry: CheckedEntry,
  base: string,
): ProjectReport {
  const { ts } = typescript;
  const program = ts.createProgram({
    rootNames: entry.parsed.fileNames,
    options: entry.parsed.options,
    projectReferences: entry.parsed.projectReferences,
  });
  const result: MatchResult = matchProgram(ts, program, entry.config);
  const unmatched = new Map(result.unmatched.map((item) => [item.entry, item]));

  const services = entry.config.services.map((service) => ({
    name: service.name,
    endpoint: service.endpoint,
    registered: KNOWN_SERVICES[service.name]?.endpoint === service.endpoint,
    entries: service.entries.map((configEntry): EntryReport => {
      const declarations = result.matches.get(configEntry) ?? [];
      const report = {
        name: configEntry.name,
        config: { line: configEntry.location.line, column: configEntry.location.column },
        matches: [...declarations].sort(byPlace).map((declaration) => ({
          file: show(base, declaration.file),
          line: declaration.line,
          column: declaration.column,
          kind: declaration.kind,
        })),
      };
      const missing = unmatched.get(configEntry);
      if (missing === undefined) return report;
      return missing.hint === undefined
        ? { ...report, closest: missing.suggestions }
        : { ...report, closest: missing.suggestions, hint: missing.hint };
    }),
  }));
  return {
    tsconfig: show(base, entry.tsconfig),
    config: show(base, entry.options.configFile),
    services,
  };
}

function byPlace(a: Declaration, b: Declaration): number {
  return a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1;
}

function formatReport(report: CheckReport): string {
  const lines: string[] = [];
  const { version, source } = report.typescript;
  const from =
    source === "project" ? "the project's" : "access-ts-telemetry's, the project has none";
  for (const project of report.projects) {
    lines.push(`${project.tsconfig} with ${project.config}, TypeScript ${version} (${from})`);
    const names = project.services.flatMap((service) => service.entries.map((entry) => entry.name));
    const width = Math.max(0, ...names.map((name) => name.length));
    for (const service of project.services) {
      const unregistered = service.registered
        ? ""
        : " (not in the reporting server's registry yet: request an endpoint for it)";
      lines.push("", `${service.name} -> ${service.endpoint}${unregistered}`);
      for (const entry of service.entries) {
        lines.push(`  ${entry.name.padEnd(width)}  ${describeMatches(entry)}`);
      }
    }
    lines.push("");
  }

  const total = report.matched + report.unmatched;
  const missing = report.projects.flatMap((project) =>
    project.services.flatMap((service) =>
      service.entries.filter((entry) => entry.matches.length === 0).map((entry) => entry.name),
    ),
  );
  const summary = `${total} ${total === 1 ? "entry" : "entries"}: ${report.matched} matched, ${report.unmatched} unmatched`;
  lines.push(missing.length > 0 ? `${summary} (${missing.join(", ")})` : summary);
  return lines.join("\n");
}

function describeMatches(entry: EntryReport): string {
  if (entry.matches.length > 0) {
    return entry.matches.map((match) => `${match.file}:${match.line}`).join(", ");
  }
  const closest = entry.closest ?? [];
  const near =
    closest.length > 0 ? `closest: ${closest.join(", ")}` : "no similar name in the program";
  return entry.hint === undefined ? `no match (${near})` : `no match (${near}); ${entry.hint}`;
}

function formatProblem(problem: CheckProblem): string {
  const place =
    problem.line === undefined
      ? problem.file
      : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return `${place}: ${problem.severity}: ${problem.message}`;
}

/** A path as the report prints it: relative to the checked tsconfig's directory, with "/". */
function show(base: string, path: string): string {
  const relativePath = relative(base, path);
  return (relativePath === "" ? "." : relativePath).split(sep).join("/");
}

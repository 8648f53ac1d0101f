// Matches config entries to the declarations of a program, without emitting anything.
import type * as TS from "typescript";
import { collectDeclarations } from "./declarations.js";
import { closestNames } from "./edit-distance.js";
import type {
  ConfigEntry,
  ConfigModel,
  ConfigService,
  Declaration,
  FileDeclarations,
  MatchResult,
  TrackedDeclaration,
  Ts,
  UnmatchedEntry,
} from "./types.js";

/**
 * Finds every declaration each entry names and, for an entry that names nothing, the closest
 * names the program has. `programOrFiles` is a program (its own, non-declaration, non-library
 * files are searched) or an explicit list of source files.
 */
export function matchProgram(
  ts: Ts,
  programOrFiles: TS.Program | readonly TS.SourceFile[],
  config: ConfigModel | readonly ConfigService[],
): MatchResult {
  const services = "services" in config ? config.services : config;
  const entries = services.flatMap((service) => service.entries);
  const files = searchedFiles(programOrFiles);
  const mentions = mentionTest(entries);

  const byName = new Map<string, ConfigEntry[]>();
  for (const entry of entries) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);

  const matches = new Map<ConfigEntry, Declaration[]>(entries.map((entry) => [entry, []]));
  const byFile = new Map<TS.SourceFile, TrackedDeclaration[]>();
  const scanned = new Map<TS.SourceFile, FileDeclarations>();

  for (const file of files) {
    if (!mentions(file.text)) continue;
    const declarations = collectDeclarations(ts, file);
    scanned.set(file, declarations);

    const tracked: TrackedDeclaration[] = [];
    for (const declaration of declarations.trackable) {
      const named = byName.get(declaration.name);
      if (named === undefined) continue;
      tracked.push({ declaration, entries: named });
      for (const entry of named) matches.get(entry)?.push(declaration);
    }
    if (tracked.length > 0) byFile.set(file, tracked);
  }

  const missing = entries.filter((entry) => (matches.get(entry) ?? []).length === 0);
  const unmatched = missing.length === 0 ? [] : explain(ts, missing, files, scanned);
  return { matches, unmatched, byFile };
}

/**
 * A cheap text test: could the text declare anything an entry names? A file that mentions no
 * owner and no bare function name of any entry cannot, and is never walked.
 */
export function mentionTest(entries: readonly ConfigEntry[]): (text: string) => boolean {
  const heads = [...new Set(entries.map((entry) => entry.owner ?? entry.member))];
  return (text) => heads.some((head) => text.includes(head));
}

function searchedFiles(programOrFiles: TS.Program | readonly TS.SourceFile[]): TS.SourceFile[] {
  if (!("getSourceFiles" in programOrFiles))
    return programOrFiles.filter((f) => !f.isDeclarationFile);
  const program = programOrFiles;
  return program
    .getSourceFiles()
    .filter((file) => !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file));
}

// Unmatched entries get suggestions from every searched file, not only the ones that passed
// the text test: a misspelt owner is exactly what the text test cannot find.
function explain(
  ts: Ts,
  missing: readonly ConfigEntry[],
  files: readonly TS.SourceFile[],
  scanned: Map<TS.SourceFile, FileDeclarations>,
): UnmatchedEntry[] {
  const all = files.map((file) => scanned.get(file) ?? collectDeclarations(ts, file));
  const names = new Set(
    all.flatMap((file) => file.trackable.map((declaration) => declaration.name)),
  );
  const classes = new Set(all.flatMap((file) => file.classes));
  const withoutConstructor = new Set(all.flatMap((file) => file.classesWithoutConstructor));
  const skipped = new Map(
    all.flatMap((file) => file.skipped.map((s) => [s.name, s.reason] as const)),
  );

  return missing.map((entry) => {
    const suggestions = closestNames(entry.name, names);
    return { entry, suggestions, hint: hintFor(entry, classes, withoutConstructor, skipped) };
  });
}

function hintFor(
  entry: ConfigEntry,
  classes: ReadonlySet<string>,
  classesWithoutConstructor: ReadonlySet<string>,
  skipped: ReadonlyMap<string, string>,
): string | undefined {
  const reason = skipped.get(entry.name);
  if (reason === "overload") {
    return `"${entry.name}" is only declared by overload signatures here; the implementation with a body is what gets tracked, and none was found`;
  }
  if (reason === "abstract") {
    return `"${entry.name}" is abstract: list the member of the subclass that implements it`;
  }
  if (reason === "declare") {
    return `"${entry.name}" is only declared ambiently (declare / .d.ts), so there is no body to track`;
  }
  if (entry.member === "constructor" && entry.owner !== undefined) {
    if (classesWithoutConstructor.has(entry.owner)) {
      return `class ${entry.owner} has no constructor of its own: add one to track its construction`;
    }
  }
  if (entry.owner === undefined && classes.has(entry.member)) {
    return `${entry.member} is a class: list "${entry.member}.constructor" to track its construction`;
  }
  return undefined;
}

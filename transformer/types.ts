// Shared types of the build-time half: the config model, plugin options and match results.
import type * as TS from "typescript";

/** The TypeScript module instance ts-patch hands the plugin (the author's compiler). */
export type Ts = typeof TS;

/** A place in a text file; `line` and `column` count from 1, `offset` and `length` in chars. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly length: number;
}

/** One list item of config.yaml: `Name` (a function) or `Owner.member`. */
export interface ConfigEntry {
  /** The item as written, which is also the record's `function` field. */
  readonly name: string;
  /** The class or object the member belongs to; undefined for a bare function name. */
  readonly owner: string | undefined;
  /** The member name, or the function name for a bare entry. */
  readonly member: string;
  /** The service (joined keys, `_`) the entry belongs to. */
  readonly service: string;
  readonly location: SourceLocation;
}

/** One endpoint of config.yaml: the keys down to a list, and that list's entries. */
export interface ConfigService {
  /** The keys joined with `_`, e.g. `mypackage_run`. */
  readonly name: string;
  /** The keys joined with `/`, e.g. `mypackage/run`. */
  readonly endpoint: string;
  readonly path: readonly string[];
  readonly entries: readonly ConfigEntry[];
  /** The location of the last key of the path. */
  readonly location: SourceLocation;
}

export type ProblemSeverity = "error" | "warning";

export type ConfigProblemCode =
  | "unreadable"
  | "yaml-syntax"
  | "not-a-mapping"
  | "not-mapping-or-list"
  | "invalid-key"
  | "invalid-entry"
  | "duplicate-service"
  | "duplicate-entry"
  | "empty";

export interface ConfigProblem {
  readonly severity: ProblemSeverity;
  readonly code: ConfigProblemCode;
  /** What is wrong and what was expected, without the location prefix. */
  readonly message: string;
  readonly location: SourceLocation;
}

/** The validated content of one config.yaml; services hold only the valid parts. */
export interface ConfigModel {
  readonly file: string;
  readonly text: string;
  readonly services: readonly ConfigService[];
  readonly problems: readonly ConfigProblem[];
}

export type ArgumentsMode = "named" | "positional";

/** The plugin options after validation, every default applied. */
export interface PluginOptions {
  /** Absolute path of config.yaml (the `config` option resolved against the tsconfig). */
  readonly configFile: string;
  readonly strict: boolean;
  readonly arguments: ArgumentsMode;
  readonly runtime: string;
  readonly configVersion: string;
}

export type DeclarationKind =
  | "method"
  | "getter"
  | "setter"
  | "constructor"
  | "field"
  | "function"
  | "const-function"
  | "object-method"
  | "object-property"
  | "object-getter"
  | "object-setter";

/** A function-like node the transformer can put a tracking statement into. */
export type TrackableNode =
  | TS.MethodDeclaration
  | TS.GetAccessorDeclaration
  | TS.SetAccessorDeclaration
  | TS.ConstructorDeclaration
  | TS.FunctionDeclaration
  | TS.FunctionExpression
  | TS.ArrowFunction;

/** A declaration found in a source file that an entry of the same name would track. */
export interface Declaration {
  /** `Owner.member` or a bare function name, as an entry would spell it. */
  readonly name: string;
  readonly kind: DeclarationKind;
  readonly static: boolean;
  /** The node whose body receives the tracking statement. */
  readonly node: TrackableNode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A declaration that carries a name but no body to instrument (overload, abstract, declare). */
export interface SkippedDeclaration {
  readonly name: string;
  readonly reason: "overload" | "abstract" | "declare";
}

export interface FileDeclarations {
  readonly trackable: readonly Declaration[];
  readonly skipped: readonly SkippedDeclaration[];
  /** Classes, by the name an entry would use for them. */
  readonly classes: readonly string[];
  /** The subset of `classes` without a constructor of their own. */
  readonly classesWithoutConstructor: readonly string[];
}

/** A declaration together with every entry that names it. */
export interface TrackedDeclaration {
  readonly declaration: Declaration;
  readonly entries: readonly ConfigEntry[];
}

export interface UnmatchedEntry {
  readonly entry: ConfigEntry;
  /** Names that exist in the program and are close to the entry, closest first. */
  readonly suggestions: readonly string[];
  /** Why nothing matched, when the program says more than "no such name". */
  readonly hint: string | undefined;
}

export interface MatchResult {
  readonly matches: ReadonlyMap<ConfigEntry, readonly Declaration[]>;
  readonly unmatched: readonly UnmatchedEntry[];
  /** The tracked declarations of each source file that has any. */
  readonly byFile: ReadonlyMap<TS.SourceFile, readonly TrackedDeclaration[]>;
}

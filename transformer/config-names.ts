// The naming rules of config.yaml: endpoint keys and `Name` / `Owner.member` entries.

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

const ENDPOINT_SEGMENT = /^[A-Za-z0-9_-]+$/;

// Words that cannot name a function, class or const binding in a module.
const RESERVED_WORDS = new Set([
  "await",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "implements",
  "import",
  "in",
  "instanceof",
  "interface",
  "let",
  "new",
  "null",
  "package",
  "private",
  "protected",
  "public",
  "return",
  "static",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
]);

export function isIdentifierName(text: string): boolean {
  return IDENTIFIER.test(text);
}

/** Undefined when `key` can be a segment of an endpoint path, else why not. */
export function checkEndpointKey(key: string): string | undefined {
  if (ENDPOINT_SEGMENT.test(key)) return undefined;
  const shown = JSON.stringify(key);
  return `expected a key made of letters, digits, "_" or "-" (it becomes a segment of the endpoint path), found ${shown}`;
}

export interface ParsedEntry {
  readonly owner: string | undefined;
  readonly member: string;
}

/** Splits an entry into owner and member, or says what was expected instead. */
export function parseEntry(text: string): ParsedEntry | string {
  const shown = JSON.stringify(text);
  const expected =
    'expected "Name" (a function) or "Class.member" (a method, accessor or property)';

  if (text.length === 0) return `${expected}, found an empty string`;
  if (/\s/u.test(text)) return `${expected} without spaces, found ${shown}`;

  const parts = text.split(".");
  if (parts.length > 2) {
    return `${expected}, found ${shown} with ${parts.length} dot-separated parts (only one owner is allowed)`;
  }
  for (const part of parts) {
    const problem = checkPart(part, shown, expected);
    if (problem !== undefined) return problem;
  }

  const [first = "", second] = parts;
  if (RESERVED_WORDS.has(first)) {
    return `${expected}, found ${shown}: "${first}" is a reserved word and cannot name a function, class or const`;
  }
  return second === undefined
    ? { owner: undefined, member: first }
    : { owner: first, member: second };
}

function checkPart(part: string, shown: string, expected: string): string | undefined {
  if (part.length === 0) return `${expected}, found ${shown} with an empty name around "."`;
  if (part.startsWith("#")) {
    return `${shown} names a private member ("${part}"): private names are not reachable by name, so they cannot be tracked; track a public member that calls it instead`;
  }
  if (!isIdentifierName(part)) {
    return `${expected}, found ${shown}: "${part}" is not a JavaScript identifier`;
  }
  return undefined;
}

// Finds the declarations of a source file that an entry can name, at module or namespace level.
import type * as TS from "typescript";
import type {
  Declaration,
  DeclarationKind,
  FileDeclarations,
  SkippedDeclaration,
  TrackableNode,
  Ts,
} from "./types.js";

interface Collector {
  readonly ts: Ts;
  readonly sourceFile: TS.SourceFile;
  readonly trackable: Declaration[];
  readonly skipped: SkippedDeclaration[];
  readonly classes: string[];
  readonly classesWithoutConstructor: string[];
}

/**
 * Lists every function, method, accessor, function-valued field and constructor of a file,
 * named as a config entry would name it. Only module and namespace level declarations count.
 *
 * @example
 *   class Experiment { run() {} }        // "Experiment.run" (method)
 *   const api = { save: () => 1 };       // "api.save" (object-property)
 *   export default function run() {}     // "run" (function)
 */
export function collectDeclarations(ts: Ts, sourceFile: TS.SourceFile): FileDeclarations {
  const collector: Collector = {
    ts,
    sourceFile,
    trackable: [],
    skipped: [],
    classes: [],
    classesWithoutConstructor: [],
  };
  if (!sourceFile.isDeclarationFile) collectStatements(collector, sourceFile.statements, false);
  return collector;
}

// `ambient` is true inside a `declare namespace` / `declare module`, where nothing has a body.
function collectStatements(
  c: Collector,
  statements: readonly TS.Statement[],
  ambient: boolean,
): void {
  const { ts } = c;
  for (const statement of statements) {
    const declared = ambient || hasModifier(ts, statement, ts.SyntaxKind.DeclareKeyword);
    if (ts.isClassDeclaration(statement)) {
      if (statement.name !== undefined)
        collectClass(c, ts.idText(statement.name), statement, declared);
    } else if (ts.isFunctionDeclaration(statement)) {
      if (statement.name !== undefined)
        collectFunction(c, ts.idText(statement.name), statement, declared);
    } else if (ts.isVariableStatement(statement)) {
      collectVariables(c, statement, declared);
    } else if (ts.isModuleDeclaration(statement)) {
      collectNamespace(c, statement, declared);
    }
  }
}

function collectNamespace(c: Collector, declaration: TS.ModuleDeclaration, ambient: boolean): void {
  let body = declaration.body;
  while (body !== undefined && c.ts.isModuleDeclaration(body)) body = body.body;
  if (body !== undefined && c.ts.isModuleBlock(body))
    collectStatements(c, body.statements, ambient);
}

function collectFunction(
  c: Collector,
  name: string,
  node: TS.FunctionDeclaration,
  ambient: boolean,
): void {
  if (ambient) c.skipped.push({ name, reason: "declare" });
  else if (node.body === undefined) c.skipped.push({ name, reason: "overload" });
  else add(c, name, "function", false, node, node.name ?? node);
}

function collectVariables(c: Collector, statement: TS.VariableStatement, ambient: boolean): void {
  const { ts } = c;
  if ((statement.declarationList.flags & ts.NodeFlags.Const) === 0) return;

  for (const declaration of statement.declarationList.declarations) {
    if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
    const name = ts.idText(declaration.name);
    if (ambient) {
      c.skipped.push({ name, reason: "declare" });
      continue;
    }

    const value = unwrapExpression(ts, declaration.initializer);
    if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
      add(c, name, "const-function", false, value, declaration.name);
    } else if (ts.isClassExpression(value)) {
      collectClass(c, name, value, false);
    } else if (ts.isObjectLiteralExpression(value)) {
      collectObject(c, name, value);
    }
  }
}

function collectClass(
  c: Collector,
  owner: string,
  node: TS.ClassLikeDeclaration,
  ambient: boolean,
): void {
  const { ts } = c;
  let hasConstructor = false;

  for (const member of node.members) {
    if (ts.isConstructorDeclaration(member)) {
      hasConstructor = true;
      collectMember(c, owner, "constructor", "constructor", member, member, ambient);
      continue;
    }

    const name = member.name === undefined ? undefined : memberName(ts, member.name);
    if (name === undefined) continue;
    const static_ = hasModifier(ts, member, ts.SyntaxKind.StaticKeyword);

    if (ts.isMethodDeclaration(member)) {
      collectMember(c, owner, name, "method", member, member.name, ambient, static_);
    } else if (ts.isGetAccessorDeclaration(member)) {
      collectMember(c, owner, name, "getter", member, member.name, ambient, static_);
    } else if (ts.isSetAccessorDeclaration(member)) {
      collectMember(c, owner, name, "setter", member, member.name, ambient, static_);
    } else if (ts.isPropertyDeclaration(member)) {
      collectField(c, owner, name, member, ambient, static_);
    }
  }

  c.classes.push(owner);
  if (!hasConstructor && !ambient) c.classesWithoutConstructor.push(owner);
}

function collectMember(
  c: Collector,
  owner: string,
  member: string,
  kind: DeclarationKind,
  node: TS.MethodDeclaration | TS.AccessorDeclaration | TS.ConstructorDeclaration,
  nameNode: TS.Node,
  ambient: boolean,
  static_ = false,
): void {
  const name = `${owner}.${member}`;
  const { ts } = c;
  if (ambient) c.skipped.push({ name, reason: "declare" });
  else if (hasModifier(ts, node, ts.SyntaxKind.AbstractKeyword))
    c.skipped.push({ name, reason: "abstract" });
  else if (node.body === undefined) c.skipped.push({ name, reason: "overload" });
  else add(c, name, kind, static_, node, nameNode);
}

function collectField(
  c: Collector,
  owner: string,
  member: string,
  node: TS.PropertyDeclaration,
  ambient: boolean,
  static_: boolean,
): void {
  const { ts } = c;
  const name = `${owner}.${member}`;
  if (ambient || hasModifier(ts, node, ts.SyntaxKind.DeclareKeyword)) {
    c.skipped.push({ name, reason: "declare" });
    return;
  }
  if (hasModifier(ts, node, ts.SyntaxKind.AbstractKeyword)) {
    c.skipped.push({ name, reason: "abstract" });
    return;
  }
  if (node.initializer === undefined) return;

  const value = unwrapExpression(ts, node.initializer);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
    add(c, name, "field", static_, value, node.name);
  }
}

function collectObject(c: Collector, owner: string, node: TS.ObjectLiteralExpression): void {
  const { ts } = c;
  for (const property of node.properties) {
    const member = property.name === undefined ? undefined : memberName(ts, property.name);
    if (member === undefined) continue;
    const name = `${owner}.${member}`;

    if (ts.isMethodDeclaration(property)) {
      add(c, name, "object-method", false, property, property.name);
    } else if (ts.isGetAccessorDeclaration(property)) {
      add(c, name, "object-getter", false, property, property.name);
    } else if (ts.isSetAccessorDeclaration(property)) {
      add(c, name, "object-setter", false, property, property.name);
    } else if (ts.isPropertyAssignment(property)) {
      const value = unwrapExpression(ts, property.initializer);
      if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
        add(c, name, "object-property", false, value, property.name);
      }
    }
  }
}

function add(
  c: Collector,
  name: string,
  kind: DeclarationKind,
  static_: boolean,
  node: TrackableNode,
  nameNode: TS.Node,
): void {
  const start = nameNode.getStart(c.sourceFile);
  const { line, character } = c.sourceFile.getLineAndCharacterOfPosition(start);
  const file = c.sourceFile.fileName;
  c.trackable.push({
    name,
    kind,
    static: static_,
    node,
    file,
    line: line + 1,
    column: character + 1,
  });
}

/** The name an entry would use for a member: identifiers and string-literal names only. */
function memberName(ts: Ts, name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name)) return ts.idText(name);
  if (ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const expression = name.expression;
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) {
      return expression.text;
    }
  }
  return undefined;
}

/** Looks through parentheses, `as`, `satisfies` and `!` around an initializer. */
export function unwrapExpression(ts: Ts, expression: TS.Expression): TS.Expression {
  let current = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current)) {
      current = current.expression;
    } else if (ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current)) {
      current = current.expression;
    } else if (ts.isSatisfiesExpression(current)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

function hasModifier(ts: Ts, node: TS.Node, kind: TS.SyntaxKind): boolean {
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return modifiers?.some((modifier) => modifier.kind === kind) ?? false;
}

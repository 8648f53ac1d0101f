// Shapes of statements the transformer looks for: prologues, super calls, imports, its own output.
import type * as TS from "typescript";
import type { Ts } from "./types.js";

/** The namespace name of an existing `X.declareServices(...)` statement of the file, if any. */
export function findDeclareServices(
  ts: Ts,
  statements: readonly TS.Statement[],
): string | undefined {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    const call = statement.expression;
    if (!ts.isCallExpression(call)) continue;
    const callee = call.expression;
    if (
      ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      ts.isIdentifier(callee.name) &&
      ts.idText(callee.name) === "declareServices"
    ) {
      return ts.idText(callee.expression);
    }
  }
  return undefined;
}

/** Whether a statement is a tracking statement (`if (X.telemetryGate.enabled) ...`). */
export function isTrackStatement(ts: Ts, statement: TS.Statement | undefined): boolean {
  if (statement === undefined || !ts.isIfStatement(statement)) return false;
  const condition = statement.expression;
  return (
    ts.isPropertyAccessExpression(condition) &&
    ts.idText(condition.name) === "enabled" &&
    ts.isPropertyAccessExpression(condition.expression) &&
    ts.isIdentifier(condition.expression.expression) &&
    ts.idText(condition.expression.name) === "telemetryGate"
  );
}

export function isPrologueDirective(ts: Ts, statement: TS.Statement | undefined): boolean {
  return (
    statement !== undefined &&
    ts.isExpressionStatement(statement) &&
    ts.isStringLiteral(statement.expression)
  );
}

export function isSuperCall(ts: Ts, statement: TS.Statement): boolean {
  return (
    ts.isExpressionStatement(statement) &&
    ts.isCallExpression(statement.expression) &&
    statement.expression.expression.kind === ts.SyntaxKind.SuperKeyword
  );
}

/** Whether the file loads one of the modules (import, import = require, export from). */
export function importsModule(
  ts: Ts,
  statements: readonly TS.Statement[],
  specifiers: readonly string[],
): boolean {
  const named = (expression: TS.Expression | undefined) =>
    expression !== undefined &&
    ts.isStringLiteral(expression) &&
    specifiers.includes(expression.text);

  return statements.some((statement) => {
    if (ts.isImportDeclaration(statement)) {
      return statement.importClause?.isTypeOnly !== true && named(statement.moduleSpecifier);
    }
    if (ts.isImportEqualsDeclaration(statement)) {
      const reference = statement.moduleReference;
      return (
        !statement.isTypeOnly &&
        ts.isExternalModuleReference(reference) &&
        named(reference.expression)
      );
    }
    if (ts.isExportDeclaration(statement)) {
      return !statement.isTypeOnly && named(statement.moduleSpecifier);
    }
    return false;
  });
}

/** The index after the leading prologue directives and imports, where the injected lines go. */
export function indexAfterImports(ts: Ts, statements: readonly TS.Statement[]): number {
  let index = 0;
  while (index < statements.length) {
    const statement = statements[index];
    const leading =
      statement !== undefined &&
      (isPrologueDirective(ts, statement) ||
        ts.isImportDeclaration(statement) ||
        ts.isImportEqualsDeclaration(statement));
    if (!leading) break;
    index++;
  }
  return index;
}

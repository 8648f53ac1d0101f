// The rewrite: a source-file visitor that dispatches each tracked declaration to a visitX function.
import type * as TS from "typescript";
import type { TransformerContext } from "./context.js";
import {
  createDeclareServices,
  createRuntimeImport,
  createTrackStatement,
  findDeclareServices,
  isTrackStatement,
  type TrackTarget,
} from "./inject.js";
import { emitsCommonJs } from "./module-format.js";
import type { TrackableNode } from "./types.js";

/** Observers for tools built on the transformer; the compiler never passes any. */
export interface TransformerHooks {
  /** Called for every file the transformer walks (files it returns untouched are not walked). */
  readonly onFileWalked?: (fileName: string) => void;
}

interface FileState {
  readonly ctx: TransformerContext;
  readonly transformation: TS.TransformationContext;
  readonly factory: TS.NodeFactory;
  readonly namespace: TS.Identifier;
  readonly targets: ReadonlyMap<TS.Node, readonly TrackTarget[]>;
  readonly ranges: readonly TS.TextRange[];
  changed: boolean;
}

export function createTransformerFactory(
  ctx: TransformerContext,
  hooks: TransformerHooks = {},
): TS.TransformerFactory<TS.SourceFile> {
  return (transformation) => (sourceFile) =>
    visitSourceFile(ctx, transformation, sourceFile, hooks);
}

/**
 * before: import { x } from "./x.js"; ...
 * after:  import { x } from "./x.js";
 *         import * as access_telemetry_1 from "access-ts-telemetry";
 *         access_telemetry_1.declareServices({ ... }, { configVersion: "1.2" });
 *         ... (each tracked body starting with its tracking statement)
 */
function visitSourceFile(
  ctx: TransformerContext,
  transformation: TS.TransformationContext,
  sourceFile: TS.SourceFile,
  hooks: TransformerHooks,
): TS.SourceFile {
  const { ts } = ctx;
  if (!ts.isSourceFile(sourceFile) || sourceFile.isDeclarationFile) return sourceFile;

  const original = ts.getOriginalNode(sourceFile, ts.isSourceFile) ?? sourceFile;
  const tracked = ctx.match.byFile.get(original);
  const importsRuntime =
    ctx.runtimeSpecifiers.some((specifier) => sourceFile.text.includes(specifier)) &&
    importsModule(ts, sourceFile.statements, ctx.runtimeSpecifiers);
  if (tracked === undefined && !importsRuntime) return sourceFile;
  hooks.onFileWalked?.(sourceFile.fileName);

  const { factory } = transformation;
  const existing = findDeclareServices(ts, sourceFile.statements);
  const namespace =
    existing !== undefined
      ? factory.createIdentifier(existing)
      : factory.createUniqueName("access_telemetry");

  const targets = new Map<TS.Node, TrackTarget[]>();
  for (const { declaration, entries } of tracked ?? []) {
    const list = targets.get(declaration.node) ?? [];
    for (const entry of entries) list.push({ service: entry.service, functionName: entry.name });
    targets.set(declaration.node, list);
  }
  const ranges = [...targets.keys()].map((node) => ({ pos: node.pos, end: node.end }));
  const state: FileState = {
    ctx,
    transformation,
    factory,
    namespace,
    targets,
    ranges,
    changed: false,
  };

  const visit = (node: TS.Node) => visitNode(state, node);
  const statements = [...ts.visitNodes(sourceFile.statements, visit, ts.isStatement)];
  if (existing === undefined) {
    const commonJs = emitsCommonJs(ts, ctx.program.getCompilerOptions(), original);
    const added = [
      createRuntimeImport(factory, namespace, ctx.options.runtime, commonJs),
      createDeclareServices(factory, namespace, ctx.services, ctx.options.configVersion),
    ];
    statements.splice(indexAfterImports(ts, statements), 0, ...added);
  } else if (!state.changed) {
    return sourceFile;
  }

  const list = ts.setTextRange(factory.createNodeArray(statements), sourceFile.statements);
  return factory.updateSourceFile(sourceFile, list);
}

// Descends only into nodes that contain a tracked declaration; rewrites the tracked ones.
function visitNode(state: FileState, node: TS.Node): TS.Node {
  const { ts } = state.ctx;
  const original = ts.getOriginalNode(node);
  const contains = state.ranges.some((r) => original.pos <= r.pos && r.end <= original.end);
  const visited = contains
    ? ts.visitEachChild(node, (child) => visitNode(state, child), state.transformation)
    : node;

  const targets = state.targets.get(original);
  return targets === undefined ? visited : visitTracked(state, visited, targets);
}

function visitTracked(state: FileState, node: TS.Node, targets: readonly TrackTarget[]): TS.Node {
  const { ts } = state.ctx;
  if (ts.isMethodDeclaration(node)) return visitMethod(state, node, targets);
  if (ts.isGetAccessorDeclaration(node)) return visitGetAccessor(state, node, targets);
  if (ts.isSetAccessorDeclaration(node)) return visitSetAccessor(state, node, targets);
  if (ts.isConstructorDeclaration(node)) return visitConstructor(state, node, targets);
  if (ts.isFunctionDeclaration(node)) return visitFunctionDeclaration(state, node, targets);
  if (ts.isFunctionExpression(node)) return visitFunctionExpression(state, node, targets);
  if (ts.isArrowFunction(node)) return visitArrowFunction(state, node, targets);
  return node;
}

// before: run(config) { body }
// after:  run(config) { if (ns.telemetryGate.enabled) ns.trackCall("s", "A.run", [], { config }); body }
function visitMethod(
  state: FileState,
  node: TS.MethodDeclaration,
  targets: readonly TrackTarget[],
) {
  const body = tracked(state, node, node.body, targets);
  if (body === undefined) return node;
  return state.factory.updateMethodDeclaration(
    node,
    node.modifiers,
    node.asteriskToken,
    node.name,
    node.questionToken,
    node.typeParameters,
    node.parameters,
    node.type,
    body,
  );
}

// before: get value() { body }
// after:  get value() { if (ns.telemetryGate.enabled) ns.trackCall("s", "A.value", [], {}); body }
function visitGetAccessor(
  state: FileState,
  node: TS.GetAccessorDeclaration,
  targets: readonly TrackTarget[],
) {
  const body = tracked(state, node, node.body, targets);
  if (body === undefined) return node;
  const { factory } = state;
  return factory.updateGetAccessorDeclaration(
    node,
    node.modifiers,
    node.name,
    node.parameters,
    node.type,
    body,
  );
}

// before: set value(v) { body }
// after:  set value(v) { if (ns.telemetryGate.enabled) ns.trackCall("s", "A.value", [], { v }); body }
function visitSetAccessor(
  state: FileState,
  node: TS.SetAccessorDeclaration,
  targets: readonly TrackTarget[],
) {
  const body = tracked(state, node, node.body, targets);
  if (body === undefined) return node;
  return state.factory.updateSetAccessorDeclaration(
    node,
    node.modifiers,
    node.name,
    node.parameters,
    body,
  );
}

// before: constructor(a) { super(a); body }
// after:  constructor(a) { super(a); if (ns.telemetryGate.enabled) ns.trackCall(...); body }
function visitConstructor(
  state: FileState,
  node: TS.ConstructorDeclaration,
  targets: readonly TrackTarget[],
) {
  const body = tracked(state, node, node.body, targets);
  if (body === undefined) return node;
  return state.factory.updateConstructorDeclaration(node, node.modifiers, node.parameters, body);
}

// before: export function run(a, ...rest) { body }
// after:  export function run(a, ...rest) { if (ns.telemetryGate.enabled) ns.trackCall("s", "run", rest, { a }); body }
function visitFunctionDeclaration(
  state: FileState,
  node: TS.FunctionDeclaration,
  targets: readonly TrackTarget[],
) {
  const body = tracked(state, node, node.body, targets);
  if (body === undefined) return node;
  return state.factory.updateFunctionDeclaration(
    node,
    node.modifiers,
    node.asteriskToken,
    node.name,
    node.typeParameters,
    node.parameters,
    node.type,
    body,
  );
}

// before: const run = function (a) { body };
// after:  const run = function (a) { if (ns.telemetryGate.enabled) ns.trackCall("s", "run", [], { a }); body };
function visitFunctionExpression(
  state: FileState,
  node: TS.FunctionExpression,
  targets: readonly TrackTarget[],
) {
  const body = tracked(state, node, node.body, targets);
  if (body === undefined) return node;
  return state.factory.updateFunctionExpression(
    node,
    node.modifiers,
    node.asteriskToken,
    node.name,
    node.typeParameters,
    node.parameters,
    node.type,
    body,
  );
}

// before: const double = (x) => x * 2;      (an expression body becomes a block)
// after:  const double = (x) => { if (ns.telemetryGate.enabled) ns.trackCall("s", "double", [], { x }); return x * 2; };
function visitArrowFunction(
  state: FileState,
  node: TS.ArrowFunction,
  targets: readonly TrackTarget[],
) {
  const { ts, options } = state.ctx;
  const { factory } = state;
  let body: TS.ConciseBody;
  if (ts.isBlock(node.body)) {
    const block = tracked(state, node, node.body, targets);
    if (block === undefined) return node;
    body = block;
  } else {
    const statement = createTrackStatement(
      ts,
      factory,
      state.namespace,
      targets,
      node.parameters,
      options.arguments,
    );
    body = factory.createBlock([statement, factory.createReturnStatement(node.body)], false);
    state.changed = true;
  }
  return factory.updateArrowFunction(
    node,
    node.modifiers,
    node.typeParameters,
    node.parameters,
    node.type,
    node.equalsGreaterThanToken,
    body,
  );
}

/**
 * The body with the tracking statement added after the prologue ("use strict") and, in a
 * derived constructor, after the top-level `super(...)`; undefined when already tracked.
 */
function tracked(
  state: FileState,
  node: TrackableNode,
  body: TS.Block | undefined,
  targets: readonly TrackTarget[],
): TS.Block | undefined {
  const { ts, options } = state.ctx;
  const { factory } = state;
  if (body === undefined) return undefined;

  const statements = body.statements;
  let index = 0;
  while (index < statements.length && isPrologueDirective(ts, statements[index])) index++;
  if (ts.isConstructorDeclaration(node)) {
    const superIndex = statements.findIndex((statement) => isSuperCall(ts, statement));
    if (superIndex >= 0) index = superIndex + 1;
  }
  if (isTrackStatement(ts, statements[index])) return undefined;

  const statement = createTrackStatement(
    ts,
    factory,
    state.namespace,
    targets,
    node.parameters,
    options.arguments,
  );
  const list = [...statements.slice(0, index), statement, ...statements.slice(index)];
  state.changed = true;
  return factory.updateBlock(body, ts.setTextRange(factory.createNodeArray(list), statements));
}

function isPrologueDirective(
  ts: TransformerContext["ts"],
  statement: TS.Statement | undefined,
): boolean {
  return (
    statement !== undefined &&
    ts.isExpressionStatement(statement) &&
    ts.isStringLiteral(statement.expression)
  );
}

function isSuperCall(ts: TransformerContext["ts"], statement: TS.Statement): boolean {
  return (
    ts.isExpressionStatement(statement) &&
    ts.isCallExpression(statement.expression) &&
    statement.expression.expression.kind === ts.SyntaxKind.SuperKeyword
  );
}

/** Whether the file loads one of the modules (import, import = require, export from). */
function importsModule(
  ts: TransformerContext["ts"],
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

// The index after the leading prologue directives and imports, where the injected lines go.
function indexAfterImports(
  ts: TransformerContext["ts"],
  statements: readonly TS.Statement[],
): number {
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

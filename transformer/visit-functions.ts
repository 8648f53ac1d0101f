// The rewrite of each tracked kind of declaration. In the shapes below, `track(s, f, a, k);`
// stands for the injected `track(s, f, a, k);`.
import type * as TS from "typescript";
import type { TransformerContext } from "./context.js";
import { createTrackStatement, type TrackTarget } from "./inject.js";
import { isPrologueDirective, isSuperCall, isTrackStatement } from "./statements.js";
import type { TrackableNode } from "./types.js";

/** What the visitor of one source file shares with the visitX functions. */
export interface FileState {
  readonly ctx: TransformerContext;
  readonly transformation: TS.TransformationContext;
  readonly factory: TS.NodeFactory;
  readonly namespace: TS.Identifier;
  readonly targets: ReadonlyMap<TS.Node, readonly TrackTarget[]>;
  readonly ranges: readonly TS.TextRange[];
  changed: boolean;
}

/** Rewrites a tracked declaration by its kind; other nodes come back as they are. */
export function visitTracked(
  state: FileState,
  node: TS.Node,
  targets: readonly TrackTarget[],
): TS.Node {
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
// after:  run(config) { track("s", "A.run", [], { config }); body }
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
// after:  get value() { track("s", "A.value", [], {}); body }
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
// after:  set value(v) { track("s", "A.value", [], { v }); body }
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
// after:  constructor(a) { super(a); track("s", "A.constructor", [], { a }); body }
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
// after:  export function run(a, ...rest) { track("s", "run", rest, { a }); body }
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
// after:  const run = function (a) { track("s", "run", [], { a }); body };
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
// after:  const double = (x) => { track("s", "double", [], { x }); return x * 2; };
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

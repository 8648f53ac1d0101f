// The rewrite: a source-file visitor that dispatches each tracked declaration to a visitX function.
import type * as TS from "typescript";
import type { TransformerContext } from "./context.js";
import { createDeclareServices, createRuntimeImport, type TrackTarget } from "./inject.js";
import { emitsCommonJs } from "./module-format.js";
import { findDeclareServices, importsModule, indexAfterImports } from "./statements.js";
import { visitTracked, type FileState } from "./visit-functions.js";

/** Observers for tools built on the transformer; the compiler never passes any. */
export interface TransformerHooks {
  /** Called for every file the transformer walks (files it returns untouched are not walked). */
  readonly onFileWalked?: (fileName: string) => void;
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

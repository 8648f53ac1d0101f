// Which module format a file is emitted in, so the runtime import takes the matching form.
import type * as TS from "typescript";
import type { Ts } from "./types.js";

/**
 * True when the file is emitted as CommonJS: `module` commonjs, or node16/nodenext (and
 * preserve) for a file whose own format is CommonJS (`.cts`, or no `"type": "module"`).
 */
export function emitsCommonJs(ts: Ts, options: TS.CompilerOptions, file: TS.SourceFile): boolean {
  const kind = emitModuleKind(ts, options);
  if (kind === ts.ModuleKind.CommonJS) return true;

  const fileIsCommonJs = file.impliedNodeFormat === ts.ModuleKind.CommonJS;
  if (kind >= ts.ModuleKind.Node16 && kind <= ts.ModuleKind.NodeNext) return fileIsCommonJs;

  const preserve: unknown = Reflect.get(ts.ModuleKind, "Preserve");
  if (kind === preserve) return fileIsCommonJs && /\.c[jt]s$/.test(file.fileName);
  return false;
}

// The compiler's own rule for an unset `module` differs between versions; ask it when it can
// answer, else apply the TypeScript 5 rule.
function emitModuleKind(ts: Ts, options: TS.CompilerOptions): TS.ModuleKind {
  if (typeof options.module === "number") return options.module;

  const compute: unknown = Reflect.get(ts, "getEmitModuleKind");
  if (typeof compute === "function") {
    const kind: unknown = compute(options);
    if (typeof kind === "number") return kind;
  }
  const target = options.target ?? ts.ScriptTarget.ES5;
  return target >= ts.ScriptTarget.ES2015 ? ts.ModuleKind.ES2015 : ts.ModuleKind.CommonJS;
}

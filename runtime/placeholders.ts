// Readable stand-ins for values JSON cannot carry, each built without reading anything that
// could throw more than once.
import { types } from "node:util";
import { MAX_STRING_CHARS } from "./limits.js";

export function builtinPlaceholder(value: object): string | undefined {
  if (Buffer.isBuffer(value)) return `[Buffer ${value.byteLength} bytes]`;
  if (types.isTypedArray(value) || types.isDataView(value)) {
    return `[${constructorName(value)} ${value.byteLength} bytes]`;
  }
  if (types.isAnyArrayBuffer(value)) return `[${constructorName(value)} ${value.byteLength} bytes]`;
  if (types.isRegExp(value))
    return `[RegExp ${truncateString(RegExp.prototype.toString.call(value))}]`;
  if (types.isNativeError(value)) return `[${describeError(value)}]`;
  if (types.isPromise(value)) return "[Promise]";
  if (types.isWeakMap(value)) return "[WeakMap]";
  if (types.isWeakSet(value)) return "[WeakSet]";
  return undefined;
}

export function unbox(value: object): unknown {
  if (types.isStringObject(value)) return String.prototype.valueOf.call(value);
  if (types.isNumberObject(value)) return Number.prototype.valueOf.call(value);
  if (types.isBooleanObject(value)) return Boolean.prototype.valueOf.call(value);
  if (types.isBigIntObject(value)) return BigInt.prototype.valueOf.call(value);
  if (types.isSymbolObject(value)) return Symbol.prototype.valueOf.call(value);
  return undefined;
}

export function truncateString(text: string): string {
  if (text.length <= MAX_STRING_CHARS) return text;
  let end = MAX_STRING_CHARS;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…[Truncated: ${text.length} chars]`;
}

export function symbolPlaceholder(value: symbol): string {
  const description = value.description;
  return description === undefined ? "[Symbol]" : `[Symbol ${truncateString(description)}]`;
}

export function functionPlaceholder(value: Function): string {
  try {
    const name: unknown = Reflect.get(value, "name");
    if (typeof name === "string" && name !== "") return `[Function ${truncateString(name)}]`;
  } catch {
    // A static `name` getter that throws: the function stays anonymous.
  }
  return "[Function (anonymous)]";
}

export function constructorName(value: object): string {
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    if (typeof proto !== "object" || proto === null) return "Object";
    const ctor: unknown = Reflect.get(proto, "constructor");
    const name: unknown = typeof ctor === "function" ? Reflect.get(ctor, "name") : undefined;
    return typeof name === "string" && name !== "" ? truncateString(name) : "Object";
  } catch {
    return "Object";
  }
}

/** "TypeError: message", reading nothing that could throw more than once. */
export function describeError(error: unknown): string {
  try {
    if (typeof error === "object" && error !== null) {
      const name: unknown = Reflect.get(error, "name");
      const message: unknown = Reflect.get(error, "message");
      const label = typeof name === "string" && name !== "" ? name : "Error";
      const text = typeof message === "string" ? message.slice(0, 200) : "";
      return text === "" ? label : `${label}: ${text}`;
    }
    return `thrown ${typeof error}`;
  } catch {
    return "an error that cannot be read";
  }
}

export function unreadable(error: unknown, prefix = ""): string {
  return `[Unreadable: ${prefix}${describeError(error)}]`;
}

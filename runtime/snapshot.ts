// Turns any value into plain JSON data at call time, so a record neither changes when the host
// mutates its objects later nor fails to serialise. Whatever JSON cannot carry becomes a
// readable placeholder, and every walk is bounded (limits.ts): depth, string length, entries
// per container, and characters per call.
import { types } from "node:util";
import { MAX_DEPTH, MAX_ENTRIES, MAX_STRING_CHARS } from "./limits.js";
import {
  builtinPlaceholder,
  constructorName,
  functionPlaceholder,
  symbolPlaceholder,
  truncateString,
  unbox,
  unreadable,
} from "./placeholders.js";

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Shared by every value of one call: the characters left and the objects being walked. */
export interface Budget {
  chars: number;
  readonly limit: number;
  readonly ancestors: object[];
}

export const CIRCULAR = "[Circular]";
const DEEP = `[Truncated: nested deeper than ${MAX_DEPTH}]`;
const OVER_BUDGET = "[Truncated: argument size]";

export function newBudget(limit: number): Budget {
  return { chars: 0, limit, ancestors: [] };
}

/** A call's positional arguments: always an array, its entries bounded like any array. */
export function snapshotList(list: ArrayLike<unknown>, budget: Budget): JsonValue[] {
  try {
    return list.length === 0 ? [] : snapshotArray(list, 0, budget);
  } catch (error) {
    return [spend(budget, unreadable(error))];
  }
}

/** A call's named arguments or a set of fields: the own enumerable properties of `fields`. */
export function snapshotFields(fields: object, budget: Budget): JsonObject {
  try {
    return snapshotEntries(fields, 0, budget);
  } catch (error) {
    return { "[Unreadable]": spend(budget, unreadable(error)) };
  }
}

export function snapshotValue(value: unknown, depth: number, budget: Budget): JsonValue {
  if (budget.chars > budget.limit) return spend(budget, OVER_BUDGET);
  switch (typeof value) {
    case "string":
      if (value.length <= MAX_STRING_CHARS) {
        budget.chars += value.length + 2;
        return value;
      }
      return spend(budget, truncateString(value));
    case "number":
      budget.chars += 8;
      if (Number.isFinite(value)) return value === 0 ? 0 : value;
      return Number.isNaN(value) ? "[NaN]" : value > 0 ? "[Infinity]" : "[-Infinity]";
    case "boolean":
      budget.chars += 5;
      return value;
    case "undefined":
      budget.chars += 4;
      return null;
    case "bigint":
      return spend(budget, `[BigInt ${truncateString(value.toString())}]`);
    case "symbol":
      return spend(budget, symbolPlaceholder(value));
    case "function":
      return spend(budget, functionPlaceholder(value));
    case "object":
      if (value === null) {
        budget.chars += 4;
        return null;
      }
      return snapshotObject(value, depth, budget);
  }
}

function snapshotObject(value: object, depth: number, budget: Budget): JsonValue {
  if (depth >= MAX_DEPTH) return spend(budget, DEEP);
  if (budget.ancestors.includes(value)) return spend(budget, CIRCULAR);
  try {
    if (Array.isArray(value)) return snapshotArray(value, depth, budget);
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const converted = viaToJSON(value, depth, budget);
      return converted !== undefined ? converted : snapshotEntries(value, depth, budget);
    }
    return snapshotSpecial(value, depth, budget);
  } catch (error) {
    return spend(budget, unreadable(error));
  }
}

// Built-in objects with a natural reading, then anything with toJSON, then class instances.
function snapshotSpecial(value: object, depth: number, budget: Budget): JsonValue {
  if (types.isDate(value)) {
    const time = Date.prototype.getTime.call(value);
    return spend(budget, Number.isNaN(time) ? "[Invalid Date]" : new Date(time).toISOString());
  }
  if (types.isMap(value)) return { "[Map]": snapshotMap(value, depth, budget) };
  if (types.isSet(value)) return { "[Set]": snapshotSet(value, depth, budget) };
  if (types.isBoxedPrimitive(value)) return snapshotValue(unbox(value), depth, budget);
  const placeholder = builtinPlaceholder(value);
  if (placeholder !== undefined) return spend(budget, placeholder);
  const converted = viaToJSON(value, depth, budget);
  if (converted !== undefined) return converted;
  return spend(budget, `[object ${constructorName(value)}]`);
}

function snapshotArray(list: ArrayLike<unknown>, depth: number, budget: Budget): JsonValue[] {
  const length = list.length;
  const kept = Math.min(length, MAX_ENTRIES);
  const out: JsonValue[] = [];
  budget.chars += 2;
  budget.ancestors.push(list);
  for (let i = 0; i < kept; i++) {
    let item: unknown;
    try {
      item = list[i];
    } catch (error) {
      out.push(spend(budget, unreadable(error)));
      continue;
    }
    budget.chars += 1;
    out.push(snapshotValue(item, depth + 1, budget));
  }
  budget.ancestors.pop();
  if (length > kept) out.push(spend(budget, `[Truncated: ${length} items]`));
  return out;
}

function snapshotEntries(fields: object, depth: number, budget: Budget): JsonObject {
  const keys = Object.keys(fields);
  const kept = Math.min(keys.length, MAX_ENTRIES);
  const out: JsonObject = {};
  budget.chars += 2;
  budget.ancestors.push(fields);
  for (let i = 0; i < kept; i++) {
    const key = keys[i];
    let item: unknown;
    try {
      item = Reflect.get(fields, key);
    } catch (error) {
      setField(out, key, spend(budget, unreadable(error)), budget);
      continue;
    }
    setField(out, key, snapshotValue(item, depth + 1, budget), budget);
  }
  budget.ancestors.pop();
  if (keys.length > kept) {
    setField(out, "[Truncated]", spend(budget, `[Truncated: ${keys.length} keys]`), budget);
  }
  return out;
}

function snapshotMap(map: Map<unknown, unknown>, depth: number, budget: Budget): JsonValue[] {
  const out: JsonValue[] = [];
  const entries = Map.prototype.entries.call(map);
  budget.ancestors.push(map);
  for (let step = entries.next(); !step.done; step = entries.next()) {
    if (out.length === MAX_ENTRIES) {
      out.push(spend(budget, `[Truncated: ${map.size} entries]`));
      break;
    }
    const [key, item] = step.value;
    out.push([snapshotValue(key, depth + 2, budget), snapshotValue(item, depth + 2, budget)]);
  }
  budget.ancestors.pop();
  return out;
}

function snapshotSet(set: Set<unknown>, depth: number, budget: Budget): JsonValue[] {
  const out: JsonValue[] = [];
  const values = Set.prototype.values.call(set);
  budget.ancestors.push(set);
  for (let step = values.next(); !step.done; step = values.next()) {
    if (out.length === MAX_ENTRIES) {
      out.push(spend(budget, `[Truncated: ${set.size} entries]`));
      break;
    }
    out.push(snapshotValue(step.value, depth + 1, budget));
  }
  budget.ancestors.pop();
  return out;
}

// JSON.stringify's rule: an object with a toJSON method is represented by what it returns.
function viaToJSON(value: object, depth: number, budget: Budget): JsonValue | undefined {
  const toJSON: unknown = Reflect.get(value, "toJSON");
  if (typeof toJSON !== "function") return undefined;
  let converted: unknown;
  try {
    converted = Reflect.apply(toJSON, value, [""]);
  } catch (error) {
    return spend(budget, unreadable(error, "toJSON threw "));
  }
  budget.ancestors.push(value);
  const result = snapshotValue(converted, depth + 1, budget);
  budget.ancestors.pop();
  return result;
}

function setField(out: JsonObject, key: string, item: JsonValue, budget: Budget): void {
  const name = key.length <= MAX_STRING_CHARS ? key : truncateString(key);
  budget.chars += name.length + 3;
  if (name === "__proto__") {
    Object.defineProperty(out, name, {
      value: item,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[name] = item;
  }
}

function spend(budget: Budget, placeholder: string): string {
  budget.chars += placeholder.length + 2;
  return placeholder;
}

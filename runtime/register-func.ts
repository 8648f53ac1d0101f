// registerFunc: tracking for code the transformer does not see. One factory gives a function
// wrapper, a TC39 method decorator and a legacy (experimentalDecorators) method decorator.
import { handleInternalError } from "./errors.js";
import { MAX_EXTRA_FIELDS_BYTES } from "./limits.js";
import { captureCall } from "./record.js";
import { enqueue } from "./queue.js";
import { requireService, seedFunctions } from "./services.js";
import { newBudget, snapshotFields } from "./snapshot.js";
import { state, type CallFields, type ServiceEntry } from "./state.js";

export interface RegisterFuncOptions {
  /** Fields added to the records of this function only (after the service's extra fields). */
  readonly extraFields?: Readonly<Record<string, unknown>>;
  /** Fields left out of the records of this function only. */
  readonly popFields?: readonly string[];
  /** The name in records and in the register. Default: the function's name, or `Class.method`. */
  readonly name?: string;
}

// The widest function type: decorators must accept methods of any signature and `this`.
type AnyFunction = (this: any, ...args: any[]) => any;

export interface FunctionTracker {
  /** `registerFunc(service)(fn)`: a wrapper that records each call, then calls `fn`. */
  <F extends AnyFunction>(fn: F): F;
  /** TC39 method decorator: `@registerFunc(service) method() {}`. */
  <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F;
  /** Legacy method decorator (`experimentalDecorators`). */
  (target: object, key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}

const NO_KWARGS = Object.freeze({});

export function registerFunc(service: string, options: RegisterFuncOptions = {}): FunctionTracker {
  const entry = requireService(service);
  const callFields = readOptions(entry, options);

  function tracker<F extends AnyFunction>(fn: F): F;
  function tracker<F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F;
  function tracker(
    target: object,
    key: string | symbol,
    descriptor: PropertyDescriptor,
  ): PropertyDescriptor;
  function tracker(first: unknown, second?: unknown, third?: unknown): unknown {
    if (typeof first === "function" && second === undefined) {
      const name = options.name ?? nameOf(first);
      seedFunctions(entry, [name]);
      return wrap(entry, callFields, first, () => name);
    }
    if (typeof first === "function" && isMethodContext(second)) {
      return decorateTc39(entry, callFields, options.name, first, second);
    }
    if (isDescriptor(third) && typeof third.value === "function" && isObject(first)) {
      const key = String(second);
      const name = options.name ?? `${ownerName(first)}.${key}`;
      seedFunctions(entry, [name]);
      return { ...third, value: wrap(entry, callFields, third.value, () => name) };
    }
    throw new TypeError(
      `registerFunc("${entry.name}"): expected a function, or to decorate a class method`,
    );
  }
  return tracker;
}

function decorateTc39(
  entry: ServiceEntry,
  callFields: CallFields,
  fixedName: string | undefined,
  method: Function,
  context: ClassMethodDecoratorContext,
): AnyFunction {
  const key = String(context.name);
  let resolved = fixedName;
  if (resolved !== undefined) seedFunctions(entry, [resolved]);

  // Instance methods learn their class from the first instance (or call); static ones from
  // the class itself, when it is defined.
  const resolve = (thisArg: unknown): string => {
    if (resolved === undefined) {
      resolved = `${context.static ? ownerName(thisArg) : declaringClass(thisArg, key, wrapper)}.${key}`;
      seedFunctions(entry, [resolved]);
    }
    return resolved;
  };
  const wrapper = wrap(entry, callFields, method, resolve);
  context.addInitializer(function (this: unknown) {
    resolve(this);
  });
  return wrapper;
}

function wrap(
  entry: ServiceEntry,
  callFields: CallFields,
  original: Function,
  nameFor: (thisArg: unknown) => string,
): AnyFunction {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    if (state.gate.enabled) record(entry, callFields, nameFor(this), args);
    return new.target === undefined
      ? Reflect.apply(original, this, args)
      : Reflect.construct(original, args, new.target);
  };
  Object.defineProperty(wrapper, "name", { value: original.name, configurable: true });
  Object.defineProperty(wrapper, "length", { value: original.length, configurable: true });
  if (original.prototype !== undefined) wrapper.prototype = original.prototype;
  return wrapper;
}

function record(entry: ServiceEntry, callFields: CallFields, name: string, args: unknown[]): void {
  try {
    if (!entry.functions.has(name)) return;
    enqueue(captureCall(entry, name, args, NO_KWARGS, callFields));
  } catch (error) {
    handleInternalError(error, "throw");
  }
}

function readOptions(entry: ServiceEntry, options: RegisterFuncOptions): CallFields {
  const { extraFields, popFields, name } = options;
  if (extraFields !== undefined && (typeof extraFields !== "object" || extraFields === null)) {
    throw new TypeError(`registerFunc("${entry.name}"): extraFields must be an object`);
  }
  if (popFields !== undefined && !(Array.isArray(popFields) && popFields.every(isString))) {
    throw new TypeError(`registerFunc("${entry.name}"): popFields must be a list of field names`);
  }
  if (name !== undefined && (typeof name !== "string" || name === "")) {
    throw new TypeError(`registerFunc("${entry.name}"): name must be a non-empty string`);
  }
  return {
    extraFields:
      extraFields === undefined
        ? undefined
        : Object.freeze(snapshotFields(extraFields, newBudget(MAX_EXTRA_FIELDS_BYTES))),
    popFields: popFields === undefined ? undefined : Object.freeze([...popFields]),
  };
}

/** The class whose prototype holds `wrapper` under `key`, walking up from `instance`. */
function declaringClass(instance: unknown, key: string, wrapper: unknown): string {
  try {
    let proto: unknown = isObject(instance) ? Object.getPrototypeOf(instance) : null;
    while (isObject(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (descriptor !== undefined && descriptor.value === wrapper) return ownerName(proto);
      proto = Object.getPrototypeOf(proto);
    }
  } catch {
    // A hostile prototype chain: fall back to the instance's own class name below.
  }
  return ownerName(instance);
}

/** The class name for a constructor (static member) or a prototype/instance. */
function ownerName(target: unknown): string {
  try {
    if (typeof target === "function") return nameOf(target);
    if (isObject(target)) {
      const ctor: unknown = Reflect.get(target, "constructor");
      if (typeof ctor === "function") return nameOf(ctor);
    }
  } catch {
    // Unreadable constructor: use the generic name.
  }
  return "Object";
}

function nameOf(fn: Function): string {
  return typeof fn.name === "string" && fn.name !== "" ? fn.name : "(anonymous)";
}

function isMethodContext(value: unknown): value is ClassMethodDecoratorContext {
  return isObject(value) && "kind" in value && value.kind === "method" && "addInitializer" in value;
}

function isDescriptor(value: unknown): value is PropertyDescriptor {
  return isObject(value) && ("value" in value || "get" in value || "set" in value);
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

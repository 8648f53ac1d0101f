// TelemetryRegister: the functions of one service whose calls are recorded.
import { requireService, seedFunctions } from "./services.js";
import { hasBrand, setBrand, state, type ServiceEntry } from "./state.js";

const REGISTER = "TelemetryRegister";

export type FunctionRef = string | ((...args: never[]) => unknown);

export class TelemetryRegister implements Iterable<string> {
  declare readonly service: string;

  /**
   * One instance per service, in every copy of the runtime. Seeded from the registry and the
   * package's config.yaml (through the injected declareServices); unknown services throw.
   */
  constructor(service: string) {
    const entry = requireService(service);
    const key = `${REGISTER}:${entry.name}`;
    const existing = state.singletons.get(key);
    if (existing instanceof TelemetryRegister) return existing;
    Object.defineProperty(this, "service", { value: entry.name, enumerable: true });
    setBrand(this, REGISTER);
    state.singletons.set(key, this);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, REGISTER);
  }

  /** Adds functions, by name or by the function itself (its `name`). */
  register(...functions: FunctionRef[]): this {
    const names = functions.map((ref) => functionName(ref, "register"));
    const entry = this.#entry();
    for (const name of names) entry.deregistered.delete(name);
    seedFunctions(entry, names);
    return this;
  }

  /** Removes functions; their calls stop being recorded at once. */
  deregister(...functions: FunctionRef[]): this {
    const names = functions.map((ref) => functionName(ref, "deregister"));
    const entry = this.#entry();
    for (const name of names) {
      entry.functions.delete(name);
      entry.deregistered.add(name);
    }
    return this;
  }

  has(ref: FunctionRef): boolean {
    return this.#entry().functions.has(functionName(ref, "has"));
  }

  get size(): number {
    return this.#entry().functions.size;
  }

  [Symbol.iterator](): Iterator<string> {
    return [...this.#entry().functions][Symbol.iterator]();
  }

  toString(): string {
    return `TelemetryRegister(${this.service}) [${[...this].join(", ")}]`;
  }

  #entry(): ServiceEntry {
    return requireService(this.service);
  }
}

function functionName(ref: unknown, method: string): string {
  const name = typeof ref === "function" ? ref.name : ref;
  if (typeof name !== "string" || name === "") {
    throw new TypeError(
      `TelemetryRegister.${method}: expected a function name or a named function`,
    );
  }
  return name;
}

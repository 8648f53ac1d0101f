// The services the runtime knows: the repository registry (registry.ts, generated from
// config.yaml) and what the injected code declares from the package's own config.yaml.
import { UnknownServiceError, handleInternalError } from "./errors.js";
import { newServiceEntry, state, type ServiceEntry } from "./state.js";
import { warn } from "./warn.js";

export interface ServiceDeclaration {
  readonly endpoint: string;
  readonly functions: readonly string[];
}

export interface DeclareMeta {
  readonly configVersion?: string;
}

/** The entry of a known service; anything else is an `UnknownServiceError`. */
export function requireService(service: unknown): ServiceEntry {
  const entry = typeof service === "string" ? state.services.get(service) : undefined;
  if (entry !== undefined) return entry;
  throw new UnknownServiceError(String(service), state.services.keys());
}

/** Adds names to a register, except those deregistered by hand. */
export function seedFunctions(entry: ServiceEntry, names: Iterable<string>): void {
  for (const name of names) {
    if (!entry.deregistered.has(name)) entry.functions.add(name);
  }
}

/**
 * Called by the injected code of every instrumented file. Idempotent: declaring a service
 * again merges its functions. Never throws; a bad or conflicting declaration is counted and,
 * in staging, reported as a warning.
 */
export function declareServices(
  services: Readonly<Record<string, ServiceDeclaration>>,
  meta: DeclareMeta = {},
): void {
  try {
    const configVersion = typeof meta?.configVersion === "string" ? meta.configVersion : undefined;
    for (const [name, declaration] of Object.entries(services)) {
      declareOne(name, declaration, configVersion);
    }
  } catch (error) {
    handleInternalError(error, "warn");
  }
}

function declareOne(name: string, declaration: unknown, configVersion: string | undefined): void {
  if (!isDeclaration(declaration)) {
    rejectDeclaration(`service "${name}" needs { endpoint: string, functions: string[] }`);
    return;
  }

  const entry = state.services.get(name);
  if (entry === undefined) {
    const created = newServiceEntry(name, declaration.endpoint, declaration.functions);
    if (configVersion !== undefined) {
      created.configVersion = configVersion;
      created.configVersionDeclared = true;
    }
    state.services.set(name, created);
    return;
  }

  if (entry.endpoint !== declaration.endpoint) {
    rejectDeclaration(
      `service "${name}" declared with endpoint "${declaration.endpoint}" but already has ` +
        `"${entry.endpoint}"; records keep going to "${entry.endpoint}"`,
    );
  }
  seedFunctions(entry, declaration.functions);
  if (configVersion === undefined || configVersion === entry.configVersion) return;
  if (!entry.configVersionDeclared) {
    entry.configVersion = configVersion;
    entry.configVersionDeclared = true;
  } else {
    rejectDeclaration(
      `service "${name}" declared with configVersion "${configVersion}" but already has ` +
        `"${entry.configVersion}"; the first declaration is kept`,
    );
  }
}

function isDeclaration(value: unknown): value is ServiceDeclaration {
  if (typeof value !== "object" || value === null) return false;
  if (!("endpoint" in value) || typeof value.endpoint !== "string" || value.endpoint === "") {
    return false;
  }
  if (!("functions" in value) || !Array.isArray(value.functions)) return false;
  return value.functions.every((name: unknown) => typeof name === "string");
}

function rejectDeclaration(message: string): void {
  state.counters.errors += 1;
  if (!state.production) warn("ATT_DECLARE_CONFLICT", `declareServices: ${message}`);
}

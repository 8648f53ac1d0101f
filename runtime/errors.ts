// The runtime's error type and its one internal error handler.
import { hasBrand, setBrand, state } from "./state.js";
import { describeError } from "./placeholders.js";
import { warn } from "./warn.js";

const UNKNOWN_SERVICE = "UnknownServiceError";

export class UnknownServiceError extends Error {
  readonly service: string;
  readonly suggestions: readonly string[];

  constructor(service: string, known: Iterable<string>) {
    const suggestions = closeMatches(service, known);
    const hint =
      suggestions.length > 0
        ? `; did you mean ${suggestions.map((name) => `"${name}"`).join(" or ")}?`
        : ".";
    super(
      `unknown service "${service}"${hint} Services come from the repository's config.yaml ` +
        "registry and from the package's own config.yaml, which the transformer declares in " +
        "every file it instruments and every file that imports access-ts-telemetry.",
    );
    this.name = UNKNOWN_SERVICE;
    this.service = service;
    this.suggestions = suggestions;
    setBrand(this, UNKNOWN_SERVICE);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, UNKNOWN_SERVICE);
  }
}

/**
 * Every error inside telemetry ends here. It is counted; in production it goes no further, in
 * staging it is thrown again (`surface: "throw"`, on the call path) or reported as a warning
 * (`surface: "warn"`, off the call path, where a throw would crash the host).
 */
export function handleInternalError(error: unknown, surface: "throw" | "warn"): void {
  try {
    state.counters.errors += 1;
  } catch {
    // The state itself is unusable: nothing left to count in.
  }
  if (state.production) return;
  if (surface === "throw") throw error;
  warn("ATT_INTERNAL_ERROR", `error inside telemetry: ${describeError(error)}`);
}

/** Up to three known names within a small edit distance of `name`, closest first. */
export function closeMatches(name: string, known: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored: Array<[string, number]> = [];
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit) scored.push([candidate, distance]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return scored.slice(0, 3).map(([candidate]) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

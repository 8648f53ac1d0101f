import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const PACKAGE_NAME = "access-ts-telemetry";

/** The version in this package's package.json, found by walking up from the built CLI. */
export function packageVersion(startDir: string = __dirname): string {
  let dir = startDir;
  for (;;) {
    const manifest = readManifest(join(dir, "package.json"));
    if (manifest?.name === PACKAGE_NAME && typeof manifest.version === "string") {
      return manifest.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, "utf8"));
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

// Writes runtime/registry.ts from the repository's config.yaml, through the compiled config
// loader (run `npm run build` first). `--check` writes nothing and exits 1 when the file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const configFile = join(root, "config.yaml");
export const registryFile = join(root, "runtime", "registry.ts");

const HEADER =
  "// Generated from config.yaml by scripts/gen-registry.mjs (npm run registry). Edit config.yaml, not this file.";
const TYPE =
  "Readonly<Record<string, { readonly endpoint: string; readonly functions: readonly string[] }>>";

/** The registry source for a config file; throws with file:line:col when the config has errors. */
export async function renderRegistry(file = configFile) {
  const require = createRequire(import.meta.url);
  const { readConfig } = require(join(root, "dist", "cjs", "transformer", "config-load.js"));
  const model = readConfig(file);

  const errors = model.problems.filter((problem) => problem.severity === "error");
  if (errors.length > 0) {
    const lines = errors.map(
      (p) => `${p.location.file}:${p.location.line}:${p.location.column}: ${p.message}`,
    );
    throw new Error(`config has errors, registry not written:\n${lines.join("\n")}`);
  }

  const services = model.services.map((service) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(service.name)
      ? service.name
      : JSON.stringify(service.name);
    const functions = service.entries.map((entry) => JSON.stringify(entry.name)).join(", ");
    // A line break after "{" keeps prettier from folding the object onto one line.
    return `  ${key}: {\n    endpoint: ${JSON.stringify(service.endpoint)},\n    functions: [${functions}],\n  },`;
  });
  const source = `${HEADER}\nexport const KNOWN_SERVICES: ${TYPE} = {\n${services.join("\n")}\n};\n`;

  const options = (await prettier.resolveConfig(registryFile)) ?? {};
  return prettier.format(source, { ...options, filepath: registryFile });
}

async function main(argv) {
  const text = await renderRegistry();
  const current = readFileSync(registryFile, "utf8");

  if (argv.includes("--check")) {
    if (current === text) return 0;
    process.stderr.write(`${registryFile} is out of date with config.yaml: run npm run registry\n`);
    return 1;
  }
  if (current !== text) writeFileSync(registryFile, text);
  process.stdout.write(`${current === text ? "up to date" : "written"}: ${registryFile}\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

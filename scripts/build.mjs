// Builds the package: the CommonJS tree (runtime, transformer, CLI) and the ESM runtime.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

rmSync(join(root, "dist"), { recursive: true, force: true });

for (const project of ["tsconfig.json", "tsconfig.esm.json"]) {
  execFileSync(process.execPath, [tsc, "-p", join(root, project)], { stdio: "inherit" });
}

const esmDir = join(root, "dist", "esm");
mkdirSync(esmDir, { recursive: true });
writeFileSync(join(esmDir, "package.json"), '{ "type": "module" }\n');
writeFileSync(join(root, "dist", "cjs", "package.json"), '{ "type": "commonjs" }\n');

const bin = join(root, "dist", "cjs", "cli", "main.js");
if (existsSync(bin)) chmodSync(bin, 0o755);

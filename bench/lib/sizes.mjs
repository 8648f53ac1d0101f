// Sizes on disk: of folders and files, and of a package's production dependency tree as
// installed (each dependency found the way Node resolves it, then its own dependencies).
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

/** Bytes (file contents), allocated bytes (blocks) and file count under `paths`. */
export function sizeOf(paths, { filter = () => true } = {}) {
  const total = { bytes: 0, allocated: 0, files: 0 };
  const seen = new Set();
  const visit = (path) => {
    const real = realpathSync(path);
    if (seen.has(real)) return;
    seen.add(real);
    const stat = lstatSync(real);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(real)) visit(join(real, entry));
    } else if (stat.isFile() && filter(real)) {
      total.bytes += stat.size;
      total.allocated += stat.blocks * 512;
      total.files += 1;
    }
  };
  for (const path of paths) visit(path);
  return total;
}

function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The installed folders of `names` and of everything they depend on (`dependencies` and the
 * `optionalDependencies` that are installed), resolved from `fromDir`. Peer dependencies are
 * the host's and are not counted.
 */
export function dependencyTree(names, fromDir) {
  const folders = new Map();
  const missing = [];
  const visit = (name, from) => {
    const folder = findPackage(name, from);
    if (folder === undefined) {
      missing.push(name);
      return;
    }
    if (folders.has(folder)) return;
    const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    folders.set(folder, `${manifest.name}@${manifest.version}`);
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, folder);
    for (const optional of Object.keys(manifest.optionalDependencies ?? {})) {
      if (findPackage(optional, folder) !== undefined) visit(optional, folder);
    }
  };
  for (const name of names) visit(name, fromDir);
  return { folders: [...folders.keys()], packages: [...folders.values()].sort(), missing };
}

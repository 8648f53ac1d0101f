// One load of the runtime in a fresh process, timed from inside it.
//
//   node load-child.mjs require <installed package dir>   require("access-ts-telemetry")
//   node load-child.mjs import <installed package dir>    import() of the ESM entry
//   node load-child.mjs fetch <installed package dir>     require("node-fetch") as the runtime
//                                                          does on its first send
//
// Prints `{ "ms": <load time> }`.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [what, packageDir] = process.argv.slice(2);
// Resolution starts where an installed package's dependant would stand, next to it.
const requireBeside = createRequire(join(packageDir, "..", "dependant.js"));
const requireInside = createRequire(join(packageDir, "dist", "cjs", "runtime", "transport.js"));
const esmEntry = pathToFileURL(join(packageDir, "dist", "esm", "runtime", "index.js")).href;

const loaders = {
  require: () => requireBeside("access-ts-telemetry"),
  import: () => import(esmEntry),
  fetch: () => requireInside("node-fetch"),
};

const started = performance.now();
await loaders[what]();
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms })}\n`);

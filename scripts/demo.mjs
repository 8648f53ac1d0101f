// `npm run demo`: the whole system on one machine. Builds fixtures/mypackage with tspc and the
// plugin, starts the local collector on a free port, runs a short script that uses the package
// with the runtime pointed at the collector, prints what the collector stored, and stops it.
import { join } from "node:path";
import {
  buildWithTspc,
  getJson,
  linkRuntime,
  repoRoot,
  runScript,
  startCollector,
} from "./lib/example-package.mjs";

const packageDir = join(repoRoot, "fixtures", "mypackage");

function step(text) {
  process.stdout.write(`\n== ${text}\n`);
}

function indent(text, prefix) {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");
}

async function main() {
  step("build fixtures/mypackage with tspc (plugin entry in its tsconfig.json)");
  linkRuntime(packageDir);
  const build = buildWithTspc(packageDir);
  if (build.output.trim()) console.log(indent(build.output, "  tspc | "));
  if (build.status !== 0) throw new Error(`tspc exited with ${build.status}`);
  console.log("  built fixtures/mypackage/dist");

  step("start the local collector: access-ts-telemetry serve --port 0");
  const collector = await startCollector({
    onLine: (line) => console.log(`  collector | ${line}`),
  });
  console.log(`  listening on ${collector.url}`);

  try {
    step("run fixtures/mypackage/example.mjs with ACCESS_TELEMETRY_SERVER_URL set to it");
    const run = await runScript(join(packageDir, "example.mjs"), { serverUrl: collector.url });
    if (run.stdout) console.log(indent(run.stdout, "  example | "));
    if (run.stderr) console.log(indent(run.stderr, "  example (stderr) | "));
    if (run.code !== 0) throw new Error(`example.mjs exited with ${run.code ?? run.signal}`);

    step(`records stored by the collector (GET ${collector.url})`);
    const listing = await getJson(collector.url);
    for (const { endpoint, path, count } of listing.endpoints) {
      console.log(`\nPOST /api/${endpoint}/  (${count} record${count === 1 ? "" : "s"})`);
      const records = await getJson(new URL(path, collector.url).href);
      for (const { id: _id, endpoint: _endpoint, ...record } of records) {
        console.log(JSON.stringify(record, null, 2));
      }
    }
    if (listing.count === 0) throw new Error("the collector received no records");
  } finally {
    const code = await collector.stop();
    step(`collector stopped (exit ${code})`);
  }
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`);
  process.exitCode = 1;
});

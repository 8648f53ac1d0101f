// `tspc --watch` on fixtures/toolchain-watch: an edited tracked method is rebuilt with its
// tracking statement (and the new parameter in it); an edited config.yaml takes effect when the
// watcher is restarted, as docs/toolchains.md says.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  TSPC,
  makeProject,
  runWithCollector,
  sortCalls,
  startWatching,
} from "./helpers/toolchain-project.mjs";

const WATCH = [TSPC, "--watch", "--preserveWatchOutput", "-p", "tsconfig.json"];
const BUILT = /Found 0 errors\. Watching for file changes\./;
const MAIN = [join("out", "main.js")];

function edit(file, from, to) {
  const text = readFileSync(file, "utf8");
  assert.ok(text.includes(from), `${file} should contain ${from}`);
  writeFileSync(file, text.replace(from, to));
}

test("should rebuild an edited tracked method instrumented, and pick up config.yaml on restart", async (t) => {
  const project = makeProject("toolchain-watch", { link: ["@types/node"] });
  t.after(project.cleanup);
  const counterJs = join(project.dir, "out", "counter.js");
  const emitted = () => readFileSync(counterJs, "utf8");

  let watcher = startWatching(WATCH, { cwd: project.dir });
  t.after(() => watcher.stop());
  await watcher.waitFor(BUILT, 1);
  assert.match(emitted(), /trackCall\("mypackage_run", "Counter\.add", \[\], \{ steps \}\)/);

  edit(
    join(project.dir, "src", "counter.ts"),
    "add(steps: number): string {\n    this.total += steps;\n    return `total ${this.total}`;",
    'add(steps: number, label = "sum"): string {\n    this.total += steps;\n    return `${label} ${this.total}`;',
  );
  await watcher.waitFor(BUILT, 2);
  assert.match(emitted(), /trackCall\("mypackage_run", "Counter\.add", \[\], \{ steps, label \}\)/);
  assert.doesNotMatch(emitted(), /"Counter\.reset"/);

  const edited = await runWithCollector(project, MAIN, { recordCount: 1 });
  assert.equal(edited.stdout, "sum 3\nreset\n");
  assert.deepEqual(edited.calls, [
    {
      endpoint: "mypackage/run",
      function: "Counter.add",
      args: [],
      kwargs: { steps: 3, label: "sum" },
    },
  ]);

  // The watcher does not watch config.yaml: the documented step is to restart it.
  edit(
    join(project.dir, "config.yaml"),
    "    - Counter.add\n",
    "    - Counter.add\n    - Counter.reset\n",
  );
  await watcher.stop();
  watcher = startWatching(WATCH, { cwd: project.dir });
  await watcher.waitFor(BUILT, 1);
  assert.match(emitted(), /trackCall\("mypackage_run", "Counter\.reset", \[\], \{\}\)/);

  const restarted = await runWithCollector(project, MAIN, { recordCount: 2 });
  assert.equal(restarted.stdout, "sum 3\nreset\n");
  assert.deepEqual(
    restarted.calls,
    sortCalls([
      {
        endpoint: "mypackage/run",
        function: "Counter.add",
        args: [],
        kwargs: { steps: 3, label: "sum" },
      },
      { endpoint: "mypackage/run", function: "Counter.reset", args: [], kwargs: {} },
    ]),
  );
});

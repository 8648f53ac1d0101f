// The flood: a million calls of Codec.encode, then the natural end of the program.
//
//   node flood-script.cjs <built codec.js> <calls> <yieldEvery>
//
// yieldEvery 0: one tight loop. yieldEvery N: a turn of the event loop (setImmediate) after
// every N calls, so the sender runs during the flood as it would in a program that does I/O.
// Prints, as the process exits: the peak RSS (process.resourceUsage().maxRSS, KiB), the time
// the calls took, the time from the last call to the exit, and the runtime's counters when the
// instrumented build was loaded (read after the runtime's own exit handling).
"use strict";
const { createRequire } = require("node:module");

const [modulePath, callsText, yieldText] = process.argv.slice(2);
const { Codec } = require(modulePath);

const calls = Number(callsText);
const yieldEvery = Number(yieldText);
const codec = new Codec();
const started = performance.now();
let total = 0;
let callsDoneAt;

function finish() {
  callsDoneAt = performance.now();
}

if (yieldEvery === 0) {
  for (let index = 0; index < calls; index += 1) total += codec.encode("my_config.yaml");
  finish();
} else {
  let done = 0;
  const chunk = () => {
    const end = Math.min(calls, done + yieldEvery);
    for (; done < end; done += 1) total += codec.encode("my_config.yaml");
    if (done < calls) setImmediate(chunk);
    else finish();
  };
  chunk();
}

// The runtime as the built module resolves it; loaded only if the build is instrumented.
let runtime;
try {
  runtime = createRequire(modulePath).resolve("access-ts-telemetry");
} catch {
  runtime = undefined;
}
const instrumented = runtime !== undefined && require.cache[runtime] !== undefined;

process.on("exit", () => {
  const report = {
    total,
    maxRssKiB: process.resourceUsage().maxRSS,
    callsMs: callsDoneAt - started,
    exitAfterCallsMs: performance.now() - callsDoneAt,
    counters: instrumented ? new (require(runtime).ApiHandler)().counters : null,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
});

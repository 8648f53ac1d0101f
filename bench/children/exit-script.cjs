// The exit-cost script: ten calls of Codec.encode and the natural end of the program.
//
//   node exit-script.cjs <built codec.js>   (the plain build or the instrumented one)
//
// With BENCH_REPORT=1 it prints the runtime's counters as the process exits, after the
// runtime's own exit handling (its listener was installed first, when it loaded). The timed
// runs leave it unset, so plain and instrumented runs execute the same statements.
"use strict";
const { createRequire } = require("node:module");

const { Codec } = require(process.argv[2]);

const codec = new Codec();
let total = 0;
for (let index = 0; index < 10; index += 1) total += codec.encode("my_config.yaml");

if (process.env.BENCH_REPORT === "1") {
  const runtime = createRequire(process.argv[2]).resolve("access-ts-telemetry");
  process.on("exit", () => {
    const { ApiHandler } = require(runtime);
    process.stdout.write(`${JSON.stringify({ total, counters: new ApiHandler().counters })}\n`);
  });
}

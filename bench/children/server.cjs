// The servers the runtime sends to during the benchmark, each in a process of its own so that
// answering never competes with the harness's timing. All listen on 127.0.0.1 only.
//
//   node server.cjs healthy <cli-main.js>  the package's own collector (startCollector)
//   node server.cjs hang                   reads each request whole and never answers
//   node server.cjs absent                 listens with a backlog of one and never accepts
//
// Each prints `listening <url>` once ready. "absent" then blocks its event loop, so the
// kernel completes at most two handshakes into its accept queue and drops every later SYN:
// once the harness has filled that queue, a client's connect gets no answer at all, as with a
// host whose packets are dropped on the way.
"use strict";
const http = require("node:http");
const net = require("node:net");

const [mode, cliMain] = process.argv.slice(2);
const parentPid = process.ppid;

// The harness holds this process's stdin; when the harness is gone, so is this server.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();

function announce(port) {
  process.stdout.write(`listening http://127.0.0.1:${port}/api/\n`);
}

async function healthy() {
  const { startCollector } = require(cliMain);
  let stored = 0;
  const collector = await startCollector({ port: 0, onRecord: () => (stored += 1) });
  // The harness asks for the count on stdin ("count\n") and reads `stored <n>`.
  process.stdin.setEncoding("utf8").on("data", (text) => {
    if (text.includes("count")) process.stdout.write(`stored ${stored}\n`);
  });
  announce(collector.port);
}

function hang() {
  const server = http.createServer((request) => {
    request.resume();
  });
  server.listen(0, "127.0.0.1", () => announce(server.address().port));
}

function absent() {
  const server = net.createServer();
  server.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
    announce(server.address().port);
    // Stdout is a pipe, written synchronously on Linux, so the line is out before the block.
    // The event loop never runs again: nothing is accepted. The process ends when the harness
    // does (it is no longer this process's parent) or after ten minutes.
    const blocker = new Int32Array(new SharedArrayBuffer(4));
    const endAt = Date.now() + 10 * 60 * 1000;
    while (process.ppid === parentPid && Date.now() < endAt) Atomics.wait(blocker, 0, 0, 250);
    process.exit(0);
  });
}

const modes = { healthy, hang, absent };
if (!(mode in modes)) {
  process.stderr.write(`server.cjs: unknown mode "${mode}" (healthy, hang or absent)\n`);
  process.exit(2);
}
Promise.resolve(modes[mode]()).catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

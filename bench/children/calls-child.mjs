// One round of the call-cost rows, in a process of its own (telemetry settings are read once,
// at load): the plain build's method and the instrumented build's method, each called in
// batches inside a tinybench task; one sample is the mean time per call over one batch.
//
//   node calls-child.mjs '{"dir": ".../calls", "mode": "off", "batch": 1000, ...}'
//
// mode "off": run with DO_NOT_TRACK=1 (the parent sets it).
// mode "drop": telemetry on, batches back to back: the sender gets no turn of the event loop,
//   so once 1,000 records are queued every further record is dropped at the queue.
// mode "drain": telemetry on, every batch is followed (outside the timed window) by flush(),
//   so each timed batch builds and queues its records into an empty queue; plus tasks that
//   time the whole delivery (batch and flush).
// Prints one JSON line: per task the median, spread and sample count, the counters, the calls.
import { createRequire } from "node:module";
import { join } from "node:path";
import { Bench } from "tinybench";

const options = JSON.parse(process.argv[2]);
const { dir, mode, batch, timeMs, warmupMs } = options;

const requireFromOut = createRequire(join(dir, "out", "codec.js"));
const plain = createRequire(join(dir, "out-tsc", "codec.js"))("./codec.js");
const tracked = requireFromOut("./codec.js");
const { ApiHandler } = requireFromOut("access-ts-telemetry");
const handler = new ApiHandler();

const SMALL = "my_config.yaml";

/** A settings object whose JSON is a little over 1 KiB. */
function settingsOf(minBytes) {
  const settings = {
    experiment: "ocean-025deg-jra55-ryf",
    owner: "ocean-modelling",
    grid: { nx: 1440, ny: 1080, nz: 75, dx: 0.25, dy: 0.25, tripolar: true },
    years: [1958, 2018],
    restart: null,
    tags: [],
  };
  for (let index = 0; JSON.stringify(settings).length < minBytes; index += 1) {
    settings.tags.push(`diagnostic-${index}-daily`);
  }
  return settings;
}
const OBJECT = settingsOf(1024);

let sink = 0;
let trackedCalls = 0;

// Each loop is its own function literal, so each call site inside it sees one method only and
// the JIT treats the plain and the tracked method alike (inlined when it can).
const plainCodec = new plain.Codec();
const trackedCodec = new tracked.Codec();
const LOOPS = {
  "plain:small": (count) => {
    let total = 0;
    for (let index = 0; index < count; index += 1) total += plainCodec.encode(SMALL);
    return total;
  },
  "tracked:small": (count) => {
    let total = 0;
    for (let index = 0; index < count; index += 1) total += trackedCodec.encode(SMALL);
    return total;
  },
  "plain:object": (count) => {
    let total = 0;
    for (let index = 0; index < count; index += 1) total += plainCodec.describe(OBJECT);
    return total;
  },
  "tracked:object": (count) => {
    let total = 0;
    for (let index = 0; index < count; index += 1) total += trackedCodec.describe(OBJECT);
    return total;
  },
};

// One sample: one loop of `batch` calls, timed as one window; the sample is the mean per call.
// With `settle` (mode "drain") the flush that follows is outside the sample but inside the
// iteration cost, so tinybench's time budget counts it too.
function batchTask(bench, loop, settle, counted) {
  const add = counted ? batch : 0;
  if (!settle) {
    return () => {
      const started = bench.now();
      sink += loop(batch);
      const elapsed = bench.now() - started;
      trackedCalls += add;
      return { overriddenDuration: elapsed / batch, overriddenIterationCost: elapsed };
    };
  }
  return async () => {
    const started = bench.now();
    sink += loop(batch);
    const elapsed = bench.now() - started;
    trackedCalls += add;
    await flushOrFail();
    const total = bench.now() - started;
    return { overriddenDuration: elapsed / batch, overriddenIterationCost: total };
  };
}

// One sample: one loop of `batch` calls and the flush that delivers their records, per record.
function deliveryTask(bench, loop) {
  return async () => {
    const started = bench.now();
    sink += loop(batch);
    await flushOrFail();
    const elapsed = bench.now() - started;
    trackedCalls += batch;
    return { overriddenDuration: elapsed / batch, overriddenIterationCost: elapsed };
  };
}

// A drained run takes few samples (each waits for a flush), too few for the JIT to optimise
// the call path on its own. So the code is first warmed with PREWARM_CALLS calls of every loop
// (past the first 1,000, those records drop at the queue: the same capture code runs), then
// the queue is flushed and the counters are read before the measured run starts.
const PREWARM_CALLS = 200_000;

async function prewarm() {
  for (let round = 0; round < PREWARM_CALLS / 1000; round += 1) {
    for (const loop of Object.values(LOOPS)) sink += loop(1000);
  }
  await flushOrFail();
}

async function flushOrFail() {
  if (!(await handler.flush(10_000))) throw new Error("flush did not finish within 10 s");
}

async function main() {
  const bench = new Bench({
    time: timeMs,
    warmupTime: warmupMs,
    iterations: 32,
    timestampProvider: "hrtimeNow",
    throws: true,
  });
  const settle = mode === "drain";

  for (const [name, loop] of Object.entries(LOOPS)) {
    bench.add(name, batchTask(bench, loop, settle, name.startsWith("tracked")));
  }
  if (mode === "drain") {
    bench.add("delivered:small", deliveryTask(bench, LOOPS["tracked:small"]));
    bench.add("delivered:object", deliveryTask(bench, LOOPS["tracked:object"]));
  }

  if (mode === "drain") await prewarm();
  const countersBefore = handler.counters;
  await bench.run();
  const countersAfterRun = handler.counters;
  const flushed = await handler.flush(10_000);

  const tasks = {};
  for (const task of bench.tasks) {
    const { latency } = task.result;
    tasks[task.name] = {
      medianNs: latency.p50 * 1e6,
      madNs: latency.mad * 1e6,
      samples: latency.samplesCount,
    };
  }
  const result = {
    mode,
    batch,
    objectBytes: JSON.stringify(OBJECT).length,
    trackedCalls,
    tasks,
    countersBefore,
    countersAfterRun,
    counters: handler.counters,
    flushed,
    sink,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});

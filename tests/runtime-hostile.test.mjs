// Values JSON cannot carry, or that fight back: each call still returns normally, and each
// record arrives as valid JSON within the size bound, with readable placeholders.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startCollector } from "./helpers/runtime-server.mjs";
import { packageRoot, requireBuild } from "./helpers/runtime-child.mjs";

const MAX_RECORD_BYTES = 65_536;

const configHome = mkdtempSync(join(tmpdir(), "att-runtime-hostile-"));
for (const name of ["DO_NOT_TRACK", "ACCESS_TELEMETRY_DISABLED", "ACCESS_TELEMETRY_SERVER_URL"]) {
  delete process.env[name];
}
process.env.XDG_CONFIG_HOME = configHome;
requireBuild();
const t = await import(pathToFileURL(join(packageRoot, "dist", "esm", "runtime", "index.js")).href);

const everyTrap = new Proxy(
  {},
  Object.fromEntries(
    [
      "get",
      "set",
      "has",
      "ownKeys",
      "getPrototypeOf",
      "setPrototypeOf",
      "getOwnPropertyDescriptor",
      "defineProperty",
      "deleteProperty",
      "isExtensible",
      "preventExtensions",
      "apply",
      "construct",
    ].map((trap) => [
      trap,
      () => {
        throw new Error(`trap ${trap}`);
      },
    ]),
  ),
);
const revoked = Proxy.revocable({}, {});
revoked.revoke();

class Experiment {
  constructor() {
    this.secret = "not read";
  }
}

function cyclic() {
  const node = { name: "root", list: [] };
  node.self = node;
  node.list.push(node, { up: node });
  return node;
}

function deep(levels) {
  let value = "bottom";
  for (let i = 0; i < levels; i++) value = { down: value };
  return value;
}

const CASES = {
  cycles: () => ({ node: cyclic() }),
  primitives: () => ({
    big: 12n,
    sym: Symbol("tag"),
    anon: Symbol(),
    fn: function run() {},
    arrow: () => {},
    undef: undefined,
    nan: NaN,
    inf: -Infinity,
    negZero: -0,
  }),
  builtins: () => ({
    date: new Date(Date.UTC(2024, 11, 19, 7, 34, 44, 229)),
    invalidDate: new Date(NaN),
    map: new Map([
      ["a", 1],
      [{ k: 2 }, [3]],
    ]),
    set: new Set([1, "two"]),
    bytes: new Uint8Array(1024),
    buffer: Buffer.from("hello"),
    regexp: /ab+c/gi,
    error: new TypeError("bad input"),
    instance: new Experiment(),
    boxed: new String("boxed"),
    url: new URL("https://example.org/a?b=1"),
  }),
  throwing: () => ({
    getter: {
      ok: 1,
      get broken() {
        throw new Error("getter says no");
      },
    },
    toJSON: {
      toJSON() {
        throw new RangeError("toJSON says no");
      },
    },
    proxy: everyTrap,
    revoked: revoked.proxy,
  }),
  huge: () => ({
    text: "x".repeat(10 * 1024 * 1024),
    list: new Array(1_000_000).fill(7),
    wide: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i])),
    deep: deep(50),
  }),
  wideUnicode: () => ({
    many: Array.from({ length: 100 }, () => "€".repeat(1_000)),
    more: Array.from({ length: 100 }, () => "😀".repeat(500)),
  }),
};

let collector;
const bodies = {};

before(async () => {
  collector = await startCollector();
  const handler = new t.ApiHandler();
  handler.setServerUrl(collector.url, { warn: false });
  t.declareServices({ hostile: { endpoint: "hostile", functions: Object.keys(CASES) } });
  for (const [name, make] of Object.entries(CASES)) {
    const kwargs = make();
    assert.doesNotThrow(() => t.trackCall("hostile", name, [kwargs, everyTrap], kwargs));
  }
  assert.doesNotThrow(() => t.trackCall("hostile", "cycles", everyTrap, everyTrap));
  assert.equal(await handler.flush(5_000), true);
  for (const request of await collector.waitFor(Object.keys(CASES).length + 1)) {
    (bodies[request.body.function] ??= []).push(request);
  }
});

after(async () => {
  await collector?.close();
  rmSync(configHome, { recursive: true, force: true });
});

describe("hostile values", () => {
  test("every record arrives, parses, and stays within the size bound", () => {
    for (const name of Object.keys(CASES)) {
      assert.ok(bodies[name], `${name} arrived`);
      for (const request of bodies[name]) {
        assert.ok(request.bytes <= MAX_RECORD_BYTES, `${name}: ${request.bytes} bytes`);
        assert.equal(request.body.unparsable, undefined);
      }
    }
    assert.equal(new t.ApiHandler().counters.errors, 0);
  });

  test("cycles become [Circular]", () => {
    const [{ body }] = bodies.cycles;
    assert.deepEqual(body.kwargs.node, {
      name: "root",
      list: ["[Circular]", { up: "[Circular]" }],
      self: "[Circular]",
    });
  });

  test("a Proxy that throws on every trap, as args and kwargs themselves", () => {
    const [, proxied] = bodies.cycles;
    assert.deepEqual(proxied.body.args, ["[Unreadable: Error: trap get]"]);
    assert.deepEqual(proxied.body.kwargs, { "[Unreadable]": "[Unreadable: Error: trap ownKeys]" });
  });

  test("primitives JSON cannot carry", () => {
    const [{ body }] = bodies.primitives;
    assert.deepEqual(body.kwargs, {
      big: "[BigInt 12]",
      sym: "[Symbol tag]",
      anon: "[Symbol]",
      fn: "[Function run]",
      arrow: "[Function arrow]",
      undef: null,
      nan: "[NaN]",
      inf: "[-Infinity]",
      negZero: 0,
    });
  });

  test("built-in objects and class instances", () => {
    const [{ body }] = bodies.builtins;
    assert.deepEqual(body.kwargs, {
      date: "2024-12-19T07:34:44.229Z",
      invalidDate: "[Invalid Date]",
      map: {
        "[Map]": [
          ["a", 1],
          [{ k: 2 }, [3]],
        ],
      },
      set: { "[Set]": [1, "two"] },
      bytes: "[Uint8Array 1024 bytes]",
      buffer: "[Buffer 5 bytes]",
      regexp: "[RegExp /ab+c/gi]",
      error: "[TypeError: bad input]",
      instance: "[object Experiment]",
      boxed: "boxed",
      url: "https://example.org/a?b=1",
    });
  });

  test("throwing getters, toJSON and Proxies become [Unreadable: ...]", () => {
    const [{ body }] = bodies.throwing;
    assert.deepEqual(body.kwargs, {
      getter: { ok: 1, broken: "[Unreadable: Error: getter says no]" },
      toJSON: "[Unreadable: toJSON threw RangeError: toJSON says no]",
      proxy: "[Unreadable: Error: trap getPrototypeOf]",
      revoked: body.kwargs.revoked,
    });
    assert.match(body.kwargs.revoked, /^\[Unreadable: TypeError: .*revoked/);
  });

  test("a 10 MB string, a million-element array, 5,000 keys, 50 levels: truncated", () => {
    const [{ body }] = bodies.huge;
    const { text, list, wide, deep: nested } = body.kwargs;
    assert.equal(text, `${"x".repeat(1000)}…[Truncated: 10485760 chars]`);
    assert.equal(list.length, 101);
    assert.equal(list[100], "[Truncated: 1000000 items]");
    assert.deepEqual(list.slice(0, 100), new Array(100).fill(7));
    assert.equal(Object.keys(wide).length, 101);
    assert.equal(wide["[Truncated]"], "[Truncated: 5000 keys]");
    let level = nested;
    let depth = 1;
    while (typeof level === "object") {
      level = level.down;
      depth += 1;
    }
    assert.equal(level, "[Truncated: nested deeper than 8]");
    assert.equal(depth, 8);
  });

  test("a record whose UTF-8 body would pass the bound is shrunk, keeping kwargs names", () => {
    const [{ body, bytes }] = bodies.wideUnicode;
    assert.ok(bytes <= MAX_RECORD_BYTES);
    const mark = "[Truncated: record over 65536 bytes]";
    assert.deepEqual(body.kwargs, { many: mark, more: mark });
    assert.deepEqual(body.args, [mark, mark]);
  });

  test("lastRecord is plain JSON data", () => {
    const record = new t.ApiHandler().lastRecord;
    assert.equal(record.function, "cycles");
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(record))), JSON.stringify(record));
  });
});

// The local collector as a user starts it: `access-ts-telemetry serve --port 0`.
import assert from "node:assert/strict";
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { postJson, send, startServe } from "./helpers/cli-serve.mjs";

const RECORD = {
  name: "someone",
  function: "Experiment.run",
  args: [],
  kwargs: { config: "my_config.yaml" },
  session_id: "a".repeat(64),
  timestamp: "2024-12-19T07:34:44.229Z",
  config_version: "1.2",
};

describe("serve: POST and GET", { timeout: 20_000 }, () => {
  let serve;
  before(async () => {
    serve = await startServe(["--max-body-bytes", "1024"]);
  });
  after(async () => {
    await serve?.stop();
  });

  test("prints the URL it listens on, on 127.0.0.1", () => {
    assert.match(serve.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    assert.ok(serve.port > 0);
  });

  test("should store a JSON object with an id and the endpoint and answer 201", async () => {
    const first = await postJson(`${serve.url}mypackage/run/`, RECORD);
    assert.equal(first.status, 201);
    assert.match(first.headers["content-type"], /^application\/json/);
    assert.deepEqual(first.json, { id: 1, endpoint: "mypackage/run", ...RECORD });

    const second = await postJson(`${serve.url}mypackage/results/`, {
      ...RECORD,
      function: "Results.save",
    });
    assert.equal(second.status, 201);
    assert.equal(second.json.id, 2);
    assert.equal(second.json.endpoint, "mypackage/results");
    assert.equal(second.json.function, "Results.save");

    await waitFor(() => serve.output.stdout.includes("id=2"));
    const lines = serve.output.stdout.split("\n").filter((line) => / id=\d+$/.test(line));
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^\d{4}-\d\d-\d\dT\S+Z mypackage\/run Experiment\.run id=1$/);
    assert.match(lines[1], /^\d{4}-\d\d-\d\dT\S+Z mypackage\/results Results\.save id=2$/);
  });

  test("should list an endpoint's records, and GET /api/ the endpoints with counts", async () => {
    await postJson(`${serve.url}other/thing/`, { function: "thing" });

    const run = await send(`${serve.url}mypackage/run/`);
    assert.equal(run.status, 200);
    assert.deepEqual(run.json, [{ id: 1, endpoint: "mypackage/run", ...RECORD }]);

    const empty = await send(`${serve.url}never/posted/`);
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, []);

    const index = await send(serve.url);
    assert.equal(index.status, 200);
    assert.deepEqual(index.json, {
      count: 3,
      endpoints: [
        { endpoint: "mypackage/results", path: "/api/mypackage/results/", count: 1 },
        { endpoint: "mypackage/run", path: "/api/mypackage/run/", count: 1 },
        { endpoint: "other/thing", path: "/api/other/thing/", count: 1 },
      ],
    });
  });

  test("should answer 400 with the reason for malformed JSON and non-object bodies", async () => {
    const cases = [
      ['{"function": "run",', /^malformed JSON: /],
      ["", /^empty body/],
      ["[1, 2]", /expected a JSON object, got an array/],
      ["null", /expected a JSON object, got null/],
      ['"text"', /expected a JSON object, got a string/],
      ["42", /expected a JSON object, got a number/],
      ['{"id": 7, "function": "run"}', /must not set "id"/],
    ];
    for (const [body, reason] of cases) {
      const answer = await postJson(`${serve.url}mypackage/bad/`, body);
      assert.equal(answer.status, 400, `status for ${JSON.stringify(body)}`);
      assert.match(answer.json.error, reason, `reason for ${JSON.stringify(body)}`);
    }
    const invalidUtf8 = await send(`${serve.url}mypackage/bad/`, {
      method: "POST",
      body: Buffer.from([0x7b, 0xff, 0x7d]),
    });
    assert.equal(invalidUtf8.status, 400);
    assert.match(invalidUtf8.json.error, /not valid UTF-8/);

    const listing = await send(`${serve.url}mypackage/bad/`);
    assert.deepEqual(listing.json, [], "nothing refused was stored");
  });

  test("should answer 413 to a declared body over --max-body-bytes", async () => {
    const answer = await postJson(`${serve.url}mypackage/big/`, { blob: "x".repeat(2000) });
    assert.equal(answer.status, 413);
    assert.match(answer.json.error, /larger than the limit of 1024 bytes/);
  });

  test("should answer 413 to a streamed body as soon as it passes the limit", async () => {
    const { status, chunksWritten, json } = await streamUntilAnswered(`${serve.url}mypackage/big/`);
    assert.equal(status, 413);
    assert.match(json.error, /1024 bytes/);
    assert.ok(chunksWritten < 200, `answered after ${chunksWritten} of 200 chunks`);
    assert.deepEqual((await send(`${serve.url}mypackage/big/`)).json, []);
  });

  test("should answer 413 to Expect: 100-continue without asking for the body", async () => {
    const answer = await new Promise((resolve, reject) => {
      const req = httpRequest(`${serve.url}mypackage/big/`, {
        method: "POST",
        agent: false,
        timeout: 5000,
        headers: { "Content-Length": "50000", Expect: "100-continue" },
      });
      let continued = false;
      req.on("continue", () => (continued = true));
      req.on("response", (res) => {
        res.resume();
        resolve({ status: res.statusCode, continued });
        req.destroy();
      });
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", (error) => (error.code === "ECONNRESET" ? undefined : reject(error)));
      req.flushHeaders();
    });
    assert.deepEqual(answer, { status: 413, continued: false });
  });

  test("should answer 405 with an Allow header to other methods", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const answer = await send(`${serve.url}mypackage/run/`, { method });
      assert.equal(answer.status, 405);
      assert.equal(answer.headers.allow, "GET, HEAD, POST");
      assert.match(answer.json.error, new RegExp(`method ${method} is not allowed`));
    }
    const index = await postJson(serve.url, RECORD);
    assert.equal(index.status, 405);
    assert.equal(index.headers.allow, "GET, HEAD");
  });

  test("should answer 404 outside /api/ and without the trailing slash, with the fix", async () => {
    const outside = await send(new URL("/other/", serve.url).href);
    assert.equal(outside.status, 404);
    assert.match(outside.json.error, /under \/api\//);

    const noSlash = await postJson(`${serve.url}mypackage/run`, RECORD);
    assert.equal(noSlash.status, 404);
    assert.match(noSlash.json.error, /"\/api\/mypackage\/run\/"/);

    const emptySegment = await postJson(`${serve.url}mypackage//run/`, RECORD);
    assert.equal(emptySegment.status, 404);
  });
});

describe("serve --out", { timeout: 20_000 }, () => {
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "att-cli-out-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("should append records and load them back after a restart, ids continuing", async () => {
    const file = join(dir, "records.jsonl");

    const first = await startServe(["--out", file]);
    await postJson(`${first.url}mypackage/run/`, RECORD);
    await postJson(`${first.url}mypackage/results/`, { ...RECORD, function: "Results.save" });
    const stopped = await first.stop("SIGTERM");
    assert.equal(stopped.code, 0, stopped.stderr);

    const lines = readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((record) => [record.id, record.endpoint, record.function]),
      [
        [1, "mypackage/run", "Experiment.run"],
        [2, "mypackage/results", "Results.save"],
      ],
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const second = await startServe(["--out", file]);
    try {
      assert.match(second.output.stdout, /loaded 2 record\(s\) from /);
      const listed = await send(`${second.url}mypackage/run/`);
      assert.deepEqual(listed.json, [{ id: 1, endpoint: "mypackage/run", ...RECORD }]);
      const third = await postJson(`${second.url}mypackage/run/`, RECORD);
      assert.equal(third.json.id, 3);
      assert.equal((await send(second.url)).json.count, 3);
    } finally {
      await second.stop();
    }
    assert.equal(readFileSync(file, "utf8").trimEnd().split("\n").length, 3);
  });

  test("should report a corrupt line with its line number, skip it and keep going", async () => {
    const file = join(dir, "corrupt.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 1, endpoint: "a/b", function: "f" }),
        "{not json",
        JSON.stringify([1, 2]),
        JSON.stringify({ id: 1, endpoint: "a/b", function: "again" }),
        JSON.stringify({ id: 5, endpoint: "a/b", function: "g" }),
      ].join("\n") + "\n",
    );
    appendFileSync(file, '{"id": 6, "endpoint": "a/b", "func');

    const serve = await startServe(["--out", file]);
    try {
      await waitFor(() => serve.output.stderr.split("\n").length > 4);
      const stderr = serve.output.stderr;
      assert.match(stderr, new RegExp(`${escape(file)}:2: skipped a corrupt line \\(not JSON`));
      assert.match(
        stderr,
        new RegExp(`${escape(file)}:3: skipped a corrupt line \\(expected a JSON object`),
      );
      assert.match(stderr, new RegExp(`${escape(file)}:4: skipped a line with duplicate id 1`));
      assert.match(stderr, new RegExp(`${escape(file)}:6: skipped a corrupt line`));
      assert.match(serve.output.stdout, /loaded 2 record\(s\)/);

      const next = await postJson(`${serve.url}a/b/`, { function: "h" });
      assert.equal(next.json.id, 6);
      const listed = await send(`${serve.url}a/b/`);
      assert.deepEqual(
        listed.json.map((record) => [record.id, record.function]),
        [
          [1, "f"],
          [5, "g"],
          [6, "h"],
        ],
      );
    } finally {
      await serve.stop();
    }

    const lastLine = readFileSync(file, "utf8").trimEnd().split("\n").at(-1);
    assert.deepEqual(JSON.parse(lastLine), { id: 6, endpoint: "a/b", function: "h" });
  });
});

describe("serve: stopping", { timeout: 20_000 }, () => {
  for (const signal of ["SIGTERM", "SIGINT"]) {
    test(`should close keep-alive connections on ${signal} and exit 0 promptly`, async () => {
      const serve = await startServe();
      const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
      try {
        const answer = await postJson(`${serve.url}mypackage/run/`, RECORD, { agent });
        assert.equal(answer.status, 201);
        assert.equal(answer.headers.connection, "keep-alive");
        const stopped = await serve.stop(signal);
        assert.equal(stopped.code, 0, stopped.stderr);
        assert.ok(stopped.elapsedMs < 1500, `exited after ${stopped.elapsedMs} ms`);
        assert.match(stopped.stdout, /stopped; 1 record\(s\) stored/);
        assert.equal(stopped.stderr, "");
      } finally {
        agent.destroy();
      }
    });
  }

  test("should fail with a clear message when the port is taken", async () => {
    const serve = await startServe();
    try {
      const clash = await startServe(["--port", String(serve.port)]).then(
        () => assert.fail("a second collector started on a taken port"),
        (error) => error.message,
      );
      assert.match(clash, /exited with 1/);
      assert.match(clash, /the port is in use; choose another with --port/);
    } finally {
      await serve.stop();
    }
  });
});

/** Writes a chunked body of 200 x 512 bytes, slowly, until the server answers. */
function streamUntilAnswered(url) {
  return new Promise((resolve, reject) => {
    let chunksWritten = 0;
    let timer;
    const req = httpRequest(url, { method: "POST", agent: false, timeout: 5000 });
    req.on("response", (res) => {
      clearTimeout(timer);
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode, chunksWritten, json: JSON.parse(text) }),
      );
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    const writeNext = () => {
      if (chunksWritten === 200) return req.end();
      req.write("x".repeat(512));
      chunksWritten += 1;
      timer = setTimeout(writeNext, 5);
    };
    writeNext();
  });
}

async function waitFor(condition, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

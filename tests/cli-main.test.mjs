// The dispatcher: help, version, usage errors, and `serve` run in-process until its signal fires.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { describe, test } from "node:test";
import { captureIo, loadCli, runCli } from "./helpers/cli-io.mjs";
import { CLI_BIN, postJson, send } from "./helpers/cli-serve.mjs";

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

describe("CLI dispatcher", { timeout: 10_000 }, () => {
  test("--help and help should list every command and exit 0", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const result = await runCli(argv);
      assert.equal(result.code, 0, argv.join(" "));
      assert.match(result.stdout, /^Usage: access-ts-telemetry <command> \[options\]/);
      for (const name of ["serve", "status", "disable", "enable", "help"]) {
        assert.match(result.stdout, new RegExp(`^  ${name} +\\S`, "m"), `${name} in ${argv}`);
      }
      assert.equal(result.stderr, "");
    }
  });

  test("help <command> and <command> --help should print that command's help", async () => {
    const viaHelp = await runCli(["help", "serve"]);
    const viaFlag = await runCli(["serve", "--help"]);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaFlag.code, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
    assert.match(viaHelp.stdout, /--port <n> .*\(default 8000\)/);
    assert.match(viaHelp.stdout, /--host <address> .*\(default 127\.0\.0\.1\)/);
    assert.match(viaHelp.stdout, /\(default 1048576, 1 MiB\)/);
  });

  test("--version should print the package version", async () => {
    for (const flag of ["--version", "-V"]) {
      const result = await runCli([flag]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, `${manifest.version}\n`);
    }
  });

  test("should exit 2 with the problem and the usage on stderr", async () => {
    const cases = [
      [[], /missing command/],
      [
        ["frobnicate"],
        /unknown command "frobnicate" \(known commands: serve, status, disable, enable, check, help\)/,
      ],
      [["--verbose"], /unknown option "--verbose"/],
      [["help", "nope"], /unknown command "nope"/],
      [["serve", "--port", "http"], /--port expects an integer from 0 to 65535, got "http"/],
      [["serve", "--port", "70000"], /--port expects an integer from 0 to 65535/],
      [["serve", "--max-body-bytes", "0"], /--max-body-bytes expects an integer from 1/],
      [["serve", "extra"], /Unexpected argument 'extra'/],
      [["serve", "--out"], /argument missing/],
    ];
    for (const [argv, message] of cases) {
      const result = await runCli(argv);
      assert.equal(result.code, 2, argv.join(" "));
      assert.equal(result.stdout, "", argv.join(" "));
      assert.match(result.stderr, message, argv.join(" "));
      assert.match(result.stderr, /Usage: access-ts-telemetry /, argv.join(" "));
    }
  });

  test("the bin should be executable, start with a shebang and exit with main's code", () => {
    assert.ok(readFileSync(CLI_BIN, "utf8").startsWith("#!/usr/bin/env node\n"));
    assert.ok(statSync(CLI_BIN).mode & 0o100, "owner may execute dist/cjs/cli/main.js");
    const result = spawnSync(CLI_BIN, ["nope"], { encoding: "utf8", timeout: 5000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown command "nope"/);
  });

  test("serve should run in-process until io.signal aborts, then stop with 0", async () => {
    const { main } = loadCli();
    const controller = new AbortController();
    const { io, out } = captureIo({}, controller.signal);
    const running = main(["serve", "--port", "0"], io);

    const url = await waitForUrl(out);
    const stored = await postJson(`${url}mypackage/run/`, { function: "Experiment.run" });
    assert.equal(stored.status, 201);
    assert.deepEqual((await send(url)).json.count, 1);

    controller.abort();
    assert.equal(await running, 0);
    assert.match(out.stdout, /stopped; 1 record\(s\) stored/);
    await assert.rejects(send(url, { timeoutMs: 1000 }), { code: "ECONNREFUSED" });
  });
});

async function waitForUrl(out, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /^listening on (\S+)$/m.exec(out.stdout);
    if (match) return match[1];
    if (Date.now() > deadline) throw new Error(`no listening line: ${out.stdout}${out.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// `access-ts-telemetry status | disable | enable`, driven in-process with a temporary config home.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { runCli } from "./helpers/cli-io.mjs";

describe("consent commands", { timeout: 10_000 }, () => {
  let home;
  let env;
  let file;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "att-cli-consent-"));
    env = { HOME: home, XDG_CONFIG_HOME: join(home, "xdg") };
    file = join(home, "xdg", "access-ts-telemetry", "consent.json");
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  test("status should say enabled by default, and create nothing", async () => {
    const result = await runCli(["status"], env);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, "");
    assert.match(result.stdout, /^Telemetry is enabled\.$/m);
    assert.match(result.stdout, /^Decided by: the default/m);
    assert.match(result.stdout, new RegExp(`^Stored choice: none \\(${escape(file)}\\)$`, "m"));
    assert.match(result.stdout, /1\. the environment: DO_NOT_TRACK or ACCESS_TELEMETRY_DISABLED/);
    assert.match(result.stdout, /2\. the stored choice/);
    assert.match(result.stdout, /3\. the default: enabled/);
    assert.equal(existsSync(join(home, "xdg")), false);
  });

  test("disable should store a user-only choice that status reports", async () => {
    const disabled = await runCli(["disable"], env);
    assert.equal(disabled.code, 0);
    assert.equal(disabled.stdout, `Telemetry disabled; choice stored in ${file}\n`);
    assert.equal(JSON.parse(readFileSync(file, "utf8")).enabled, false);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, "xdg", "access-ts-telemetry")).mode & 0o777, 0o700);

    const status = await runCli(["status"], env);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /^Telemetry is disabled\.$/m);
    assert.match(
      status.stdout,
      new RegExp(`^Decided by: the stored choice in ${escape(file)}$`, "m"),
    );
    assert.match(status.stdout, /^Stored choice: disabled /m);

    const enabled = await runCli(["enable"], env);
    assert.equal(enabled.code, 0);
    assert.equal(enabled.stdout, `Telemetry enabled; choice stored in ${file}\n`);
    const after = await runCli(["status", "--json"], env);
    assert.deepEqual(JSON.parse(after.stdout), {
      enabled: true,
      decidedBy: file,
      source: "stored choice",
      file,
      storedChoice: true,
      precedence: ["DO_NOT_TRACK", "ACCESS_TELEMETRY_DISABLED", file, "default"],
    });
  });

  for (const variable of ["DO_NOT_TRACK", "ACCESS_TELEMETRY_DISABLED"]) {
    test(`${variable}=1 should decide before the stored choice`, async () => {
      const optedOut = { ...env, [variable]: "1" };
      const enabled = await runCli(["enable"], optedOut);
      assert.equal(enabled.code, 0);
      assert.match(enabled.stdout, /^Telemetry enabled; choice stored in /);
      assert.match(
        enabled.stdout,
        new RegExp(`^Note: the environment variable ${variable} still switches telemetry off`, "m"),
      );

      const status = await runCli(["status", "--json"], optedOut);
      const parsed = JSON.parse(status.stdout);
      assert.equal(parsed.enabled, false);
      assert.equal(parsed.decidedBy, variable);
      assert.equal(parsed.source, "environment");
      assert.equal(parsed.storedChoice, true);

      const text = await runCli(["status"], optedOut);
      assert.match(
        text.stdout,
        new RegExp(`^Decided by: the environment variable ${variable}$`, "m"),
      );
      assert.match(text.stdout, /^Stored choice: enabled /m);

      const withoutVariable = await runCli(["status", "--json"], env);
      assert.equal(JSON.parse(withoutVariable.stdout).enabled, true);
    });
  }

  test("an opt-out variable set to 0 should not switch telemetry off", async () => {
    const status = await runCli(["status", "--json"], { ...env, DO_NOT_TRACK: "0" });
    assert.equal(JSON.parse(status.stdout).enabled, true);
    assert.equal(JSON.parse(status.stdout).source, "default");
  });

  test("without XDG_CONFIG_HOME the choice should go under ~/.config", async () => {
    const result = await runCli(["disable"], { HOME: home });
    const expected = join(home, ".config", "access-ts-telemetry", "consent.json");
    assert.equal(result.stdout, `Telemetry disabled; choice stored in ${expected}\n`);
    assert.equal(JSON.parse(readFileSync(expected, "utf8")).enabled, false);
  });

  test("should exit 1 with the reason when the choice cannot be stored", async () => {
    writeFileSync(join(home, "a-file"), "not a directory");
    const blocked = { HOME: home, XDG_CONFIG_HOME: join(home, "a-file") };
    const result = await runCli(["disable"], blocked);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: cannot store the choice: .*(EEXIST|ENOTDIR)/);
    assert.equal(result.stdout, "");
  });

  test("an unreadable choice file should keep telemetry off until enable rewrites it", async () => {
    const warnings = [];
    const onWarning = (warning) => warnings.push(warning.code);
    process.on("warning", onWarning);
    try {
      await runCli(["disable"], env);
      writeFileSync(file, "{ not json");
      const status = await runCli(["status", "--json"], env);
      assert.equal(status.code, 0);
      const parsed = JSON.parse(status.stdout);
      assert.deepEqual(
        [parsed.enabled, parsed.decidedBy, parsed.source],
        [false, file, "stored choice"],
      );
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(warnings.includes("ATT_CONSENT_UNREADABLE"), `warnings: ${warnings}`);

      assert.equal((await runCli(["enable"], env)).code, 0);
      assert.equal(JSON.parse((await runCli(["status", "--json"], env)).stdout).enabled, true);
    } finally {
      process.off("warning", onWarning);
    }
  });

  test("should refuse unknown options with exit 2", async () => {
    const result = await runCli(["status", "--verbose"], env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /status: Unknown option '--verbose'/);
    assert.match(result.stderr, /Usage: access-ts-telemetry status/);
    assert.equal(existsSync(file), false);
  });
});

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// runtime/registry.ts must be what scripts/gen-registry.mjs makes of the repository's config.yaml.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { configFile, registryFile, renderRegistry } from "../scripts/gen-registry.mjs";
import { run } from "./helpers/transform-project.mjs";

describe("the repository registry", () => {
  it("runtime/registry.ts is up to date with config.yaml (npm run registry rewrites it)", async () => {
    assert.equal(
      readFileSync(registryFile, "utf8"),
      await renderRegistry(),
      "runtime/registry.ts is out of date with config.yaml: run npm run registry",
    );
  });

  it("a change to config.yaml changes the rendered registry", async () => {
    const dir = mkdtempSync(join(tmpdir(), "att-registry-"));
    try {
      const changed = join(dir, "config.yaml");
      writeFileSync(
        changed,
        `${readFileSync(configFile, "utf8")}newpkg:\n  run-it:\n    - Thing.go\n`,
      );
      const text = await renderRegistry(changed);
      assert.notEqual(text, readFileSync(registryFile, "utf8"));
      assert.match(
        text,
        /\n {2}"newpkg_run-it": \{\n {4}endpoint: "newpkg\/run-it",\n {4}functions: \["Thing\.go"\],\n {2}\},\n\};\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a config with errors, naming file:line:col", async () => {
    const dir = mkdtempSync(join(tmpdir(), "att-registry-"));
    try {
      const broken = join(dir, "config.yaml");
      writeFileSync(broken, "pkg:\n  run: Thing.go\n");
      await assert.rejects(renderRegistry(broken), (error) => {
        assert.match(
          error.message,
          new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:8: expected a list`),
        );
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--check exits 0 on the repository", async () => {
    const result = await run(process.execPath, [join("scripts", "gen-registry.mjs"), "--check"], {
      cwd: join(registryFile, "..", ".."),
    });
    assert.equal(result.code, 0, result.stderr);
  });
});

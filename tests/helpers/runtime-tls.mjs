// A throw-away self-signed certificate for 127.0.0.1, made with openssl for one test run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** { key, cert, certFile, cleanup } or undefined when openssl is not available. */
export function makeCertificate() {
  const dir = mkdtempSync(join(tmpdir(), "att-runtime-tls-"));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  const result = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { encoding: "utf8", timeout: 20_000 },
  );
  if (result.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    certFile,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// A loopback collector for the runtime tests: a real node:http server on 127.0.0.1 that
// records every request. `mode` decides the answer: "ok" (200), a status number, or "hang"
// (reads the request and never answers). With `tls` ({ key, cert }) it speaks HTTPS.
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";

export async function startCollector({ mode = "ok", tls } = {}) {
  const requests = [];
  const waiters = [];
  const sockets = new Set();

  const handle = (req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        bytes: Buffer.byteLength(text),
        body: parseJson(text),
      });
      for (const waiter of [...waiters]) waiter.check();
      if (mode === "hang") return;
      res.statusCode = mode === "ok" ? 200 : mode;
      res.setHeader("Content-Type", "application/json");
      res.end('{"ok":true}');
    });
  };
  const server = tls === undefined ? createServer(handle) : createTlsServer(tls, handle);
  server.on(tls === undefined ? "connection" : "secureConnection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();

  return {
    port,
    url: `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}/api/`,
    requests,
    /** Resolves with the requests once `count` arrived; rejects after `timeoutMs`. */
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const waiter = {
          check() {
            if (requests.length < count) return;
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(waiter), 1);
            resolve(requests.slice());
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(`expected ${count} requests within ${timeoutMs} ms, got ${requests.length}`),
          );
        }, timeoutMs);
        waiters.push(waiter);
        waiter.check();
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(() => resolve()));
  return port;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text.slice(0, 200) };
  }
}

// A loopback server on 127.0.0.1 whose behaviour can be switched while it runs, for the
// fault-injection tests. Modes:
//   "ok"            201 with a JSON answer
//   <number>        that status (a 429 or 503 carries `retryAfter` seconds, when given)
//   "hang"          reads the request, never answers
//   "reset"         destroys the connection as soon as the request arrives
//   "garbage"       answers bytes that are not HTTP, then closes
//   "trickle-head"  sends the status line and headers one byte every 40 ms
//   "trickle-body"  sends status and headers at once, then the body one byte every 40 ms
// Every request is kept: its URL, headers, exact body text and size, and the mode it met.
import { createServer } from "node:http";

const TRICKLE_MS = 40;

export async function startFaultServer({ port = 0, mode = "ok", retryAfter } = {}) {
  const requests = [];
  const sockets = new Set();
  const intervals = new Set();
  let current = { mode, retryAfter };

  const server = createServer((req, res) => {
    const { mode: now, retryAfter: wait } = current;
    if (now === "reset") {
      requests.push(describe(req, "", now));
      req.socket.destroy();
      return;
    }
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      requests.push(describe(req, text, now));
      answer(req, res, now, wait);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function answer(req, res, now, wait) {
    if (now === "hang") return;
    if (now === "garbage") {
      req.socket.end("SSH-2.0-not-http\r\n\x00\x01\x02 garbage\r\n\r\n");
      return;
    }
    if (now === "trickle-head") {
      trickle(req.socket, 'HTTP/1.1 201 Created\r\nContent-Length: 11\r\n\r\n{"ok":true}');
      return;
    }
    if (now === "trickle-body") {
      res.writeHead(201, { "Content-Type": "application/json", "Content-Length": 40 });
      res.flushHeaders();
      trickle(res, '{"ok":true,"padding":"..................."}'.slice(0, 40), () => res.end());
      return;
    }
    const status = now === "ok" ? 201 : now;
    const headers = { "Content-Type": "application/json" };
    if (wait !== undefined) headers["Retry-After"] = String(wait);
    res.writeHead(status, headers);
    res.end(status === 201 ? '{"stored":true}' : '{"error":"injected"}');
  }

  function trickle(stream, text, done = () => stream.end()) {
    let sent = 0;
    const interval = setInterval(() => {
      if (stream.destroyed || stream.writableEnded) {
        clearInterval(interval);
        intervals.delete(interval);
        return;
      }
      stream.write(text[sent]);
      sent += 1;
      if (sent === text.length) {
        clearInterval(interval);
        intervals.delete(interval);
        done();
      }
    }, TRICKLE_MS);
    intervals.add(interval);
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const bound = server.address().port;

  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/api/`,
    requests,
    setMode(next, { retryAfter: nextWait } = {}) {
      current = { mode: next, retryAfter: nextWait };
    },
    /** The parsed bodies of the requests that met `mode`. */
    bodies(mode) {
      return requests.filter((r) => r.mode === mode).map((r) => r.body);
    },
    close() {
      for (const interval of intervals) clearInterval(interval);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function describe(req, text, mode) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return {
    method: req.method,
    url: req.url,
    headers: req.headers,
    text,
    bytes: Buffer.byteLength(text),
    body,
    mode,
  };
}

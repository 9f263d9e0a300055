// The web process: Next.js (production build, or `--dev`) behind a plain node:http server whose
// only job is to tell the app the TCP peer's address. A Next.js route cannot see the socket, and
// Next keeps a client's own X-Forwarded-For, so without this a client would choose the IP that
// the login throttle and the audit trail see (server/platform/client-ip.ts decides what to trust).
// Usage: node scripts/web-server.mjs [--dev] -p <port> -H <host>
import http from "node:http";
import next from "next";

// must equal PEER_ADDRESS_HEADER in server/platform/client-ip.ts
const PEER_ADDRESS_HEADER = "x-waybill-peer-address";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dev = args.includes("--dev");
const port = Number(option("-p", process.env.PORT ?? "3000"));
const hostname = option("-H", process.env.WAYBILL_HOST ?? "127.0.0.1");

const app = next({ dev, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  // overwritten on every request: a client's own copy of the header is never believed
  req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
  void handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => {
  console.log(`web listening on http://${hostname}:${port}${dev ? " (dev)" : ""}`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

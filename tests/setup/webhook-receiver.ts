// A local HTTP receiver for outbound webhook tests: records every request (headers, exact body)
// and answers as the test says: a status, a hang until released, or a closed connection.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type TReceived = { headers: Record<string, string>; body: string; at: number };
export type TBehaviour = { kind: "status"; status: number } | { kind: "hang" } | { kind: "destroy" };

export type TReceiver = {
  url: string;
  received: TReceived[];
  /** how the next requests are answered (the last entry repeats) */
  setBehaviour: (...behaviours: TBehaviour[]) => void;
  /** answers every hanging request with this status */
  release: (status?: number) => void;
  close: () => Promise<void>;
};

export async function startReceiver(path = "/hook"): Promise<TReceiver> {
  const received: TReceived[] = [];
  let plan: TBehaviour[] = [{ kind: "status", status: 200 }];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
      );
      received.push({ headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const behaviour = plan.length > 1 ? plan.shift()! : plan[0]!;
      switch (behaviour.kind) {
        case "status":
          res
            .writeHead(behaviour.status, { "content-type": "text/plain" })
            .end(`answered ${behaviour.status}`);
          return;
        case "hang":
          hanging.add(res);
          res.on("close", () => hanging.delete(res));
          return;
        case "destroy":
          req.socket.destroy();
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    setBehaviour: (...behaviours) => {
      plan = behaviours;
    },
    release: (status = 200) => {
      for (const res of hanging) res.writeHead(status).end("released");
      hanging.clear();
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `check` until it returns a value (not undefined/false); no timing is asserted. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  limitMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

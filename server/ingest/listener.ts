// The dedicated ingest listener's HTTP server (plain node:http, no framework): the same webhook
// endpoint as the Next.js route (createWebhookEndpoint: bounded read, signature check, group
// commit, the same answers), plus its own health and Prometheus endpoints, and a graceful stop
// that answers every request already received (after its commit) before the server closes.
//   GET, POST /api/webhooks/whatsapp   the webhook endpoint (Meta's URL keeps its path)
//   GET /health                        200 when accepting and the database answers, else 503
//   GET /metrics                       Prometheus text (bearer WAYBILL_METRICS_TOKEN)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus, type TMetricFamily } from "./prometheus";
import type { TBodySource } from "./read-body";
import { safeEqual } from "./verify-signature";
import { createWebhookEndpoint, type TWebhookAnswer, type TWebhookRouteDeps } from "./webhook-route";

export const WEBHOOK_PATH = "/api/webhooks/whatsapp";

export type TIngestListenerDeps = TWebhookRouteDeps & {
  /** bearer token for /metrics; unset: /metrics answers 401 */
  metricsToken: string | undefined;
  /** throws when the database does not answer (health) */
  pingDatabase: () => Promise<void>;
};

export type TIngestListener = {
  server: http.Server;
  listen: (port: number, host: string) => Promise<AddressInfo>;
  /**
   * Graceful stop: health turns 503, no new connection is accepted, every request already
   * received is answered (after its commit), then connections close. Resolves `isComplete:
   * false` when requests were still open after `timeoutMs` (their connections are cut, so no
   * 200 is sent for them and Meta retries).
   */
  stop: (timeoutMs: number) => Promise<{ isComplete: boolean }>;
  /** requests received and not yet answered */
  openRequests: () => number;
};

function bodyOfIncoming(incoming: http.IncomingMessage): TBodySource {
  const chunks = incoming[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return {
    declaredLength: incoming.headers["content-length"] ?? null,
    read: async () => {
      const next = await chunks.next();
      return next.done ? null : next.value;
    },
    // the rest is not read: the answer closes the connection (see `write`)
    cancel: async () => {},
  };
}

function headerOf(incoming: http.IncomingMessage) {
  return (name: string): string | null => {
    const value = incoming.headers[name];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  };
}

export function createIngestListener(deps: TIngestListenerDeps): TIngestListener {
  const endpoint = createWebhookEndpoint(() => deps);
  let isStopping = false;
  let open = 0;
  let onIdle: (() => void) | null = null;

  const write = (incoming: http.IncomingMessage, outgoing: http.ServerResponse, answer: TWebhookAnswer) => {
    // a body left unread (413) or a stopping listener: this connection carries no further request
    const isClosing = isStopping || !incoming.complete;
    outgoing.writeHead(
      answer.status,
      isClosing ? { ...answer.headers, Connection: "close" } : answer.headers,
    );
    outgoing.end(answer.body);
    if (!incoming.complete) outgoing.on("finish", () => incoming.socket.destroy());
  };

  const health = async (): Promise<TWebhookAnswer> => {
    const state = { queued: deps.store.queued(), inFlight: deps.store.inFlight(), openRequests: open };
    const json = (status: number, body: object): TWebhookAnswer => ({
      status,
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    });
    if (isStopping) return json(503, { status: "stopping", ...state });
    try {
      await deps.pingDatabase();
      return json(200, { status: "ok", ...state });
    } catch (error) {
      deps.log.warn({ err: error }, "ingest health: database unavailable");
      return json(503, { status: "database_unavailable", ...state });
    }
  };

  const metrics = (incoming: http.IncomingMessage): TWebhookAnswer => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(incoming.headers.authorization ?? "")?.[1];
    if (deps.metricsToken === undefined || bearer === undefined || !safeEqual(bearer, deps.metricsToken))
      return {
        status: 401,
        body: "send Authorization: Bearer <WAYBILL_METRICS_TOKEN>",
        headers: {
          "Content-Type": "text/plain; charset=utf-8",
          "WWW-Authenticate": 'Bearer realm="waybill-metrics"',
        },
      };
    const gauge = (name: string, help: string, value: number): TMetricFamily => ({
      name,
      help,
      type: "gauge",
      samples: [{ labels: {}, value }],
    });
    const families = [
      ...deps.metrics.families(),
      gauge("waybill_ingest_open_requests", "Webhook requests received and not yet answered.", open),
      gauge(
        "waybill_ingest_group_commit_queued",
        "Verified requests waiting for a group commit slot.",
        deps.store.queued(),
      ),
      gauge(
        "waybill_ingest_group_commit_in_flight",
        "Group commit statements running now.",
        deps.store.inFlight(),
      ),
      gauge("waybill_ingest_stopping", "1 while the listener drains before exiting.", isStopping ? 1 : 0),
    ];
    return {
      status: 200,
      body: renderPrometheus(families),
      headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" },
    };
  };

  const route = async (incoming: http.IncomingMessage): Promise<TWebhookAnswer> => {
    const url = new URL(incoming.url ?? "/", "http://listener");
    const method = incoming.method ?? "GET";
    const notAllowed = (allow: string): TWebhookAnswer => ({
      status: 405,
      body: "method not allowed",
      headers: { "Content-Type": "text/plain; charset=utf-8", Allow: allow },
    });
    switch (url.pathname) {
      case WEBHOOK_PATH:
        if (method === "POST")
          return endpoint.post({
            header: headerOf(incoming),
            remoteAddress: incoming.socket.remoteAddress ?? null,
            body: bodyOfIncoming(incoming),
          });
        if (method === "GET") return endpoint.handshake(url.searchParams);
        return notAllowed("GET, POST");
      case "/health":
        return method === "GET" ? health() : notAllowed("GET");
      case "/metrics":
        return method === "GET" ? metrics(incoming) : notAllowed("GET");
      default:
        return { status: 404, body: "not found", headers: { "Content-Type": "text/plain; charset=utf-8" } };
    }
  };

  const server = http.createServer((incoming, outgoing) => {
    open += 1;
    route(incoming)
      .then((answer) => write(incoming, outgoing, answer))
      .catch((error: unknown) => {
        // the endpoint maps every expected failure to an answer: this is a bug
        deps.log.error({ err: error }, "ingest listener: unexpected error");
        if (!outgoing.headersSent)
          write(incoming, outgoing, { status: 500, body: "internal error", headers: {} });
        else outgoing.destroy();
      })
      .finally(() => {
        open -= 1;
        if (open === 0) onIdle?.();
      });
  });

  return {
    server,
    openRequests: () => open,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    async stop(timeoutMs) {
      isStopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // idle keep-alive connections go now; busy ones after their answer (Connection: close)
      server.closeIdleConnections();
      const answered = new Promise<void>((resolve) => {
        if (open === 0) resolve();
        else onIdle = resolve;
      });
      let timer: NodeJS.Timeout | undefined;
      const isComplete = await Promise.race([
        answered.then(() => deps.store.drain()).then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      server.closeIdleConnections();
      if (!isComplete) server.closeAllConnections();
      await closed;
      return { isComplete };
    },
  };
}

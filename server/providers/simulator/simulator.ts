// The provider simulator as one object: a node:http server with Meta's send endpoint and a small
// admin API, the engine behind it, and the webhook outbox. main.ts runs it as a process; tests
// may run it in-process.
//
//   POST /{version}/{phone_number_id}/messages   the Cloud API send endpoint (Bearer token)
//   GET  /{version}/{phone_number_id}?fields=     the phone number object: quality, status, limit...
//   GET  /_admin/numbers/{id}/profile             what that read reports for the number
//   POST /_admin/numbers/{id}/profile {quality_rating?, status?, throughput_level?, messaging_limit?,
//        name_status?, verified_name?, code_verification_status?, is_on_biz_app?, read_error_code?}
//   GET  /_admin/health                           liveness
//   GET  /_admin/config       PUT /_admin/config  the whole configuration (scenario.ts)
//   POST /_admin/scenarios    {match, scenario}   add a rule; DELETE /_admin/scenarios/{id}
//   POST /_admin/numbers      {phoneNumberId, wabaId, displayPhoneNumber, accessToken?}
//   POST /_admin/outage       {mode: unavailable|errors|timeout|webhooks_down|null}
//   POST /_admin/quality      {phoneNumberId, event, currentLimit?, oldLimit?}
//   POST /_admin/user-preference  {phoneNumberId, waId, value: stop|resume} (a marketing opt-out)
//   POST /_admin/foreign-statuses {phoneNumberId, to, statuses?} (a message another app sent)
//   GET  /_admin/stats        GET /_admin/sent?phoneNumberId=&callbackData=&limit=
//   POST /_admin/flush        post every pending webhook now
//   POST /_admin/reset        forget sends, counters, windows and pending webhooks
//   POST /_endpoints/{ok|slow|failing|flapping}[/{name}]?delayMs=
//        a receiver for Waybill's outbound webhooks, to try an endpoint's bad days: `ok` answers
//        204, `failing` 500, `slow` answers 204 after delayMs (20 s by default: past Waybill's
//        15 s delivery timeout), `flapping` fails every other request (per name)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { TLogger } from "@/server/platform/logger";
import { createSimulatorEngine, type TSimulatorEngine } from "./engine";
import { unknownPathError } from "./graph-responses";
import {
  OUTAGE_MODES,
  ZNumberProfilePatchSchema,
  ZQualityEventSchema,
  ZScenarioRuleSchema,
  ZSimulatorNumberSchema,
  type TSimulatorConfig,
} from "./scenario";
import { createWebhookOutbox, type TWebhookOutbox } from "./webhook-outbox";

export type TSimulatorOptions = {
  port: number;
  host: string;
  webhookUrl: string;
  appSecret: string;
  config: TSimulatorConfig;
  random?: () => number;
  log: TLogger;
};

export type TSimulator = {
  url: string;
  engine: TSimulatorEngine;
  outbox: TWebhookOutbox;
  close(): Promise<void>;
};

const MAX_BODY_BYTES = 1_000_000;
const HANG_LIMIT_MS = 120_000;

/** A small deterministic PRNG (mulberry32), for repeatable runs with WAYBILL_SIMULATOR_SEED. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function startSimulator(options: TSimulatorOptions): Promise<TSimulator> {
  const random = options.random ?? Math.random;
  const now = () => Date.now();
  let engine: TSimulatorEngine | null = null;
  const outbox = createWebhookOutbox({
    url: () => options.webhookUrl,
    appSecret: options.appSecret,
    settings: () => (engine ? engine.config().webhooks : options.config.webhooks),
    isPaused: () => engine?.config().outage === "webhooks_down",
    now,
    random,
    log: options.log,
  });
  engine = createSimulatorEngine({ config: options.config, outbox, random, now, log: options.log });
  const theEngine = engine;
  outbox.start();

  const hanging = new Set<http.ServerResponse>();
  // requests seen per test endpoint name (flapping alternates on it)
  const endpointHits = new Map<string, number>();
  const server = http.createServer((request, response) => {
    handle(theEngine, outbox, request, response, hanging, random, endpointHits).catch((error: unknown) => {
      options.log.error({ err: error }, "simulator request failed");
      if (!response.headersSent) sendJson(response, 500, { error: { message: "simulator error", code: 1 } });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host}:${address.port}`;

  // periodic quality events per number (the demo's troubled number changes tier now and then)
  const schedules = options.config.qualitySchedules.map((schedule) => {
    let index = 0;
    return setInterval(() => {
      const event = schedule.events[index % schedule.events.length]!;
      index += 1;
      try {
        theEngine.emitQualityUpdate({ phoneNumberId: schedule.phoneNumberId, ...event });
      } catch (error) {
        options.log.warn({ err: error }, "quality schedule skipped");
      }
    }, schedule.everySeconds * 1000);
  });

  return {
    url,
    engine: theEngine,
    outbox,
    async close() {
      for (const timer of schedules) clearInterval(timer);
      outbox.stop();
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(
  engine: TSimulatorEngine,
  outbox: TWebhookOutbox,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  hanging: Set<http.ServerResponse>,
  random: () => number,
  endpointHits: Map<string, number>,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://simulator");
  const path = url.pathname;
  const method = request.method ?? "GET";

  const testEndpoint = /^\/_endpoints\/(ok|slow|failing|flapping)(?:\/([^/]+))?\/?$/.exec(path);
  if (testEndpoint && method === "POST") {
    await readBody(request);
    const behaviour = testEndpoint[1]!;
    const key = `${behaviour}/${testEndpoint[2] ?? ""}`;
    const hit = (endpointHits.get(key) ?? 0) + 1;
    endpointHits.set(key, hit);
    if (behaviour === "slow") {
      const delayMs = Math.min(Number(url.searchParams.get("delayMs") ?? 20_000) || 0, HANG_LIMIT_MS);
      await new Promise((r) => setTimeout(r, delayMs));
    }
    const fails = behaviour === "failing" || (behaviour === "flapping" && hit % 2 === 1);
    if (fails) sendJson(response, 500, { error: `simulated ${behaviour} endpoint (request ${hit})` });
    else response.writeHead(204).end();
    return;
  }

  const send = /^\/(v[0-9]+\.[0-9]+)\/([^/]+)\/messages\/?$/.exec(path);
  if (send && method === "POST") {
    const raw = await readBody(request);
    let body: unknown;
    try {
      body = raw.length === 0 ? undefined : JSON.parse(raw);
    } catch {
      body = null;
    }
    const result = engine.handleSend({
      phoneNumberId: decodeURIComponent(send[2]!),
      authorization: request.headers.authorization ?? null,
      body,
    });
    if (result.latencyMs > 0) await new Promise((r) => setTimeout(r, result.latencyMs));
    if (result.kind === "hang") {
      // never answer: the client's timeout decides (a lost response, an in-doubt attempt)
      hanging.add(response);
      const timer = setTimeout(() => response.destroy(), HANG_LIMIT_MS);
      response.on("close", () => {
        clearTimeout(timer);
        hanging.delete(response);
      });
      return;
    }
    sendJson(response, result.answer.status, result.answer.body);
    return;
  }

  const read = /^\/(v[0-9]+\.[0-9]+)\/([^/_][^/]*)\/?$/.exec(path);
  if (read && method === "GET") {
    const fields = (url.searchParams.get("fields") ?? "")
      .split(",")
      .map((f) => f.trim())
      .filter(Boolean);
    const answer = engine.handleRead({
      phoneNumberId: decodeURIComponent(read[2]!),
      authorization: request.headers.authorization ?? null,
      fields,
    });
    sendJson(response, answer.status, answer.body);
    return;
  }

  if (path.startsWith("/_admin/")) {
    const admin = path.slice("/_admin/".length);
    const input = method === "GET" || method === "DELETE" ? null : parseJsonOrNull(await readBody(request));
    try {
      if (admin === "health" && method === "GET") return sendJson(response, 200, { ok: true });
      if (admin === "config" && method === "GET") return sendJson(response, 200, engine.config());
      if (admin === "config" && method === "PUT") {
        engine.setConfig(input);
        return sendJson(response, 200, engine.config());
      }
      if (admin === "scenarios" && method === "POST") {
        const id = engine.addRule(ZScenarioRuleSchema.parse(input));
        return sendJson(response, 201, { id });
      }
      const ruleMatch = /^scenarios\/(.+)$/.exec(admin);
      if (ruleMatch && method === "DELETE") {
        const isRemoved = engine.removeRule(decodeURIComponent(ruleMatch[1]!));
        return sendJson(response, isRemoved ? 200 : 404, { removed: isRemoved });
      }
      if (admin === "numbers" && method === "POST") {
        const parsed = ZSimulatorNumberSchema.extend({ phoneNumberId: z.string().min(1) }).parse(input);
        const { phoneNumberId, ...number } = parsed;
        engine.addNumber(phoneNumberId, number);
        return sendJson(response, 200, { ok: true });
      }
      const profileMatch = /^numbers\/([^/]+)\/profile$/.exec(admin);
      if (profileMatch && method === "GET") {
        const id = decodeURIComponent(profileMatch[1]!);
        if (!engine.config().numbers[id]) return sendJson(response, 404, { error: `unknown number ${id}` });
        return sendJson(response, 200, engine.profile(id));
      }
      if (profileMatch && method === "POST") {
        const patch = ZNumberProfilePatchSchema.strict().parse(input);
        return sendJson(response, 200, engine.setProfile(decodeURIComponent(profileMatch[1]!), patch));
      }
      if (admin === "outage" && method === "POST") {
        const { mode } = z.object({ mode: z.enum(OUTAGE_MODES).nullable() }).parse(input);
        engine.setOutage(mode);
        return sendJson(response, 200, { outage: mode });
      }
      if (admin === "quality" && method === "POST") {
        const event = ZQualityEventSchema.extend({ phoneNumberId: z.string().min(1) }).parse(input);
        engine.emitQualityUpdate(event);
        return sendJson(response, 202, { queued: true });
      }
      if (admin === "user-preference" && method === "POST") {
        const event = z
          .object({
            phoneNumberId: z.string().min(1),
            waId: z.string().regex(/^\d{4,20}$/),
            value: z.enum(["stop", "resume"]),
          })
          .parse(input);
        engine.emitUserPreference(event);
        return sendJson(response, 202, { queued: true });
      }
      if (admin === "foreign-statuses" && method === "POST") {
        const event = z
          .object({
            phoneNumberId: z.string().min(1),
            to: z.string().regex(/^\d{4,20}$/),
            statuses: z
              .array(z.enum(["sent", "delivered", "read"]))
              .min(1)
              .optional(),
          })
          .parse(input);
        return sendJson(response, 202, { queued: true, wamid: engine.emitForeignStatuses(event) });
      }
      if (admin === "stats" && method === "GET") return sendJson(response, 200, engine.stats());
      if (admin === "sent" && method === "GET") {
        return sendJson(
          response,
          200,
          engine.sent({
            phoneNumberId: url.searchParams.get("phoneNumberId") ?? undefined,
            callbackData: url.searchParams.get("callbackData") ?? undefined,
            limit: Number(url.searchParams.get("limit") ?? 1000),
          }),
        );
      }
      if (admin === "flush" && method === "POST") {
        outbox.flush();
        return sendJson(response, 200, outbox.stats());
      }
      if (admin === "reset" && method === "POST") {
        engine.reset();
        return sendJson(response, 200, { ok: true });
      }
    } catch (error) {
      if (error instanceof z.ZodError) {
        return sendJson(response, 400, { error: "invalid admin request", issues: z.flattenError(error) });
      }
      if (error instanceof Error) return sendJson(response, 400, { error: error.message });
      throw error;
    }
    return sendJson(response, 404, { error: "unknown admin route" });
  }

  const answer = unknownPathError(random, path);
  sendJson(response, answer.status, answer.body);
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=UTF-8",
    "Content-Length": Buffer.byteLength(text),
  });
  response.end(text);
}

function parseJsonOrNull(raw: string): unknown {
  if (raw.length === 0) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

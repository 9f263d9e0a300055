// The Cloud API client against recorded real-shaped responses (fixtures/, shapes from the
// reference, sections 1.4, 1.5 and 4) served over real HTTP, plus the transport failures that
// decide whether an attempt is in doubt. (Against the simulator: tests/integration/sending-client.test.ts.)
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyFailure } from "@/server/domain/sending/classify-failure";
import type { TCloudMessageBody } from "@/server/domain/sending/send-request";
import { createGraphAgent, createWhatsAppCloudProvider } from "./client";

type TFixture = { status: number; body?: unknown; text?: string };

const FIXTURES = path.join(import.meta.dirname, "fixtures");
function fixture(name: string): TFixture {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8")) as TFixture;
}

const BODY: TCloudMessageBody = {
  messaging_product: "whatsapp",
  recipient_type: "individual",
  to: "15551234567",
  biz_opaque_callback_data: "0195f3c2-aaaa-7c1e-9d3b-2f8a1b4c5d6e",
  type: "template",
  template: { name: "order_update", language: { code: "en_US", policy: "deterministic" } },
};

let server: http.Server;
let baseUrl: string;
let next: TFixture | "hang" | "reset" = fixture("send-template-accepted");
const seen: { url: string; authorization: string | undefined; body: unknown }[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      seen.push({
        url: request.url ?? "",
        authorization: request.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      const answer = next;
      if (answer === "hang") return; // never answers
      if (answer === "reset") {
        request.socket.destroy();
        return;
      }
      const text = answer.text ?? JSON.stringify(answer.body);
      response.writeHead(answer.status, { "Content-Type": answer.text ? "text/html" : "application/json" });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const client = () =>
  createWhatsAppCloudProvider({ baseUrl: `${baseUrl}/`, version: "v21.0", timeoutMs: 1_000 });

describe("WhatsApp Cloud API client", () => {
  it("posts the body to /{version}/{phone_number_id}/messages with the sender's Bearer token", async () => {
    next = fixture("send-template-accepted");
    const result = await client().send({
      phoneNumberId: "106540352242922",
      accessToken: "EAAG-token",
      body: BODY,
    });
    expect(seen.at(-1)).toEqual({
      url: "/v21.0/106540352242922/messages",
      authorization: "Bearer EAAG-token",
      body: BODY,
    });
    expect(result).toMatchObject({
      ok: true,
      providerMessageId: "wamid.HBgNMTU1NTE0OTU5Nzg1FQIAERgSMDhGRjdBMDEyOTcxQzFFQkFBAA==",
      messageStatus: "accepted",
      waId: "15551234567",
      record: { httpStatus: 200 },
    });
  });

  it("reads a text send's answer (no message_status) and a template held for quality assessment", async () => {
    next = fixture("send-text-accepted");
    expect(await client().send({ phoneNumberId: "1", accessToken: "t", body: BODY })).toMatchObject({
      ok: true,
      messageStatus: null,
    });
    next = fixture("send-held-for-quality");
    expect(await client().send({ phoneNumberId: "1", accessToken: "t", body: BODY })).toMatchObject({
      ok: true,
      messageStatus: "held_for_quality_assessment",
    });
  });

  it.each([
    ["error-131056-pair-rate-limit", 400, 131056, "pair_limit"],
    ["error-130429-rate-limit", 429, 130429, "throttle"],
    ["error-190-token-expired", 401, 190, "sender_blocked"],
    ["error-131000-transient", 500, 131000, "transient"],
    // subcode 33: the number's id or the token's access to it is wrong, a sender problem
    ["error-100-unknown-object", 400, 100, "sender_blocked"],
  ] as const)("turns %s into a typed Graph error", async (name, httpStatus, code, disposition) => {
    const recorded = fixture(name);
    next = recorded;
    const result = await client().send({ phoneNumberId: "1", accessToken: "t", body: BODY });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = (recorded.body as { error: Record<string, unknown> }).error;
    expect(result.failure).toMatchObject({
      kind: "provider_error",
      httpStatus,
      code,
      message: error.message,
      fbtraceId: error.fbtrace_id,
    });
    // the whole error object is kept for the ledger
    expect(result.record.body).toEqual(recorded.body);
    expect(classifyFailure(result.failure).disposition).toBe(disposition);
  });

  it("keeps the details and the deprecated subcode when Graph sends them", async () => {
    next = fixture("error-131056-pair-rate-limit");
    const result = await client().send({ phoneNumberId: "1", accessToken: "t", body: BODY });
    expect(!result.ok && result.failure.kind === "provider_error" && result.failure.details).toMatch(
      /too many messages/,
    );
    next = fixture("error-190-token-expired");
    const expired = await client().send({ phoneNumberId: "1", accessToken: "t", body: BODY });
    expect(!expired.ok && expired.failure.kind === "provider_error" && expired.failure.subcode).toBe(463);
  });

  it("reports a non-Graph error page as an HTTP error with a snippet", async () => {
    next = fixture("error-502-gateway-html");
    const result = await client().send({ phoneNumberId: "1", accessToken: "t", body: BODY });
    expect(result).toMatchObject({ ok: false, failure: { kind: "http_error", httpStatus: 502 } });
    expect(!result.ok && result.failure.kind === "http_error" && result.failure.bodySnippet).toContain(
      "502 Bad Gateway",
    );
  });

  it("reports a 200 that names no message as an invalid response (in doubt, not a failure)", async () => {
    next = { status: 200, body: { messaging_product: "whatsapp", messages: [] } };
    const result = await client().send({ phoneNumberId: "1", accessToken: "t", body: BODY });
    expect(result).toMatchObject({ ok: false, failure: { kind: "invalid_response", httpStatus: 200 } });
    expect(!result.ok && classifyFailure(result.failure).disposition).toBe("in_doubt");
  });

  it("times out a provider that never answers: the attempt is in doubt", async () => {
    next = "hang";
    const started = Date.now();
    const result = await client().send({ phoneNumberId: "1", accessToken: "t", body: BODY });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: "timeout", phase: "response", afterMs: 1_000 },
    });
    expect(!result.ok && classifyFailure(result.failure).disposition).toBe("in_doubt");
  });

  it("reports a connection dropped after the request as in doubt", async () => {
    next = "reset";
    const result = await client().send({ phoneNumberId: "1", accessToken: "t", body: BODY });
    expect(result).toMatchObject({ ok: false, failure: { kind: "network", phase: "response" } });
  });

  it("reports a refused connection as never sent (safe to retry)", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await createWhatsAppCloudProvider({
      baseUrl: `http://127.0.0.1:${port}`,
      version: "v21.0",
      timeoutMs: 1_000,
    }).send({
      phoneNumberId: "1",
      accessToken: "t",
      body: BODY,
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: "network", phase: "connect" } });
    expect(!result.ok && classifyFailure(result.failure).disposition).toBe("transient");
  });
});

describe("WhatsApp Cloud API client on the keep-alive agent", () => {
  it("sends message after message over kept-alive connections, and still times out", async () => {
    const agent = createGraphAgent({ connections: 4 });
    const sockets = new Set<unknown>();
    const onConnection = (socket: unknown) => sockets.add(socket);
    server.on("connection", onConnection);
    try {
      const provider = createWhatsAppCloudProvider({ baseUrl, version: "v21.0", timeoutMs: 1_000, agent });
      next = fixture("send-template-accepted");
      for (let i = 0; i < 6; i += 1) {
        const result = await provider.send({
          phoneNumberId: "106540352242922",
          accessToken: "t",
          body: BODY,
        });
        expect(result.ok).toBe(true);
      }
      // (a send may start before the previous one's connection is marked free: at most 2)
      expect(sockets.size).toBeLessThanOrEqual(2);
      next = "hang";
      const hung = await provider.send({ phoneNumberId: "106540352242922", accessToken: "t", body: BODY });
      expect(hung.ok === false && classifyFailure(hung.failure).disposition).toBe("in_doubt");
    } finally {
      server.off("connection", onConnection);
      await agent.close().catch(() => {});
    }
  });

  it("types Graph errors, HTML error pages and dropped or refused connections as the fetch path does", async () => {
    const agent = createGraphAgent({ connections: 2 });
    try {
      const provider = createWhatsAppCloudProvider({ baseUrl, version: "v21.0", timeoutMs: 1_000, agent });
      const recorded = fixture("error-131056-pair-rate-limit");
      next = recorded;
      const graph = await provider.send({ phoneNumberId: "1", accessToken: "t", body: BODY });
      expect(graph).toMatchObject({
        ok: false,
        failure: { kind: "provider_error", httpStatus: 400, code: 131056 },
      });
      expect(graph.record.body).toEqual(recorded.body);
      expect(seen.at(-1)).toEqual({ url: "/v21.0/1/messages", authorization: "Bearer t", body: BODY });

      next = fixture("error-502-gateway-html");
      expect(await provider.send({ phoneNumberId: "1", accessToken: "t", body: BODY })).toMatchObject({
        ok: false,
        failure: { kind: "http_error", httpStatus: 502 },
      });

      next = "reset";
      const reset = await provider.send({ phoneNumberId: "1", accessToken: "t", body: BODY });
      expect(reset).toMatchObject({ ok: false, failure: { kind: "network", phase: "response" } });
      expect(!reset.ok && classifyFailure(reset.failure).disposition).toBe("in_doubt");
    } finally {
      await agent.close().catch(() => {});
    }

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refusedAgent = createGraphAgent({ connections: 1 });
    try {
      const refused = await createWhatsAppCloudProvider({
        baseUrl: `http://127.0.0.1:${port}`,
        version: "v21.0",
        timeoutMs: 1_000,
        agent: refusedAgent,
      }).send({ phoneNumberId: "1", accessToken: "t", body: BODY });
      expect(refused).toMatchObject({ ok: false, failure: { kind: "network", phase: "connect" } });
    } finally {
      await refusedAgent.close().catch(() => {});
    }
  });
});

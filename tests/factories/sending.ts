// The sending path's test doubles: a provider that accepts every send at once with a fresh wamid
// and records each request in `calls`, and the dispatcher's dependencies as the sending tests
// run them (16 in flight, a 50 ms poll, jitter fixed at its middle).
import crypto from "node:crypto";
import type pg from "pg";
import type { TDb } from "@/server/db/client";
import { DEFAULT_RETRY_POLICY } from "@/server/domain/sending/retry-policy";
import { DEFAULT_THROUGHPUT } from "@/server/domain/sending/throughput";
import { createLogger } from "@/server/platform/logger";
import type { TMessagingProvider, TProviderSendRequest } from "@/server/providers/types";
import {
  createAcknowledger,
  createCredentialCache,
  type TSendDeps,
} from "@/server/services/sending/process-send";
import { requestSend, requestSendDepsOf } from "@/server/services/sending/request-send";
import { testSecretBox } from "../setup/context";

export function acceptingProvider(calls: TProviderSendRequest[]): TMessagingProvider {
  return {
    name: "fake",
    send: (request) => {
      calls.push(request);
      return Promise.resolve({
        ok: true,
        providerMessageId: `wamid.${crypto.randomUUID()}`,
        messageStatus: "accepted",
        waId: null,
        record: { httpStatus: 200, body: {}, durationMs: 1 },
      });
    },
  };
}

/** `credentials` reads through `credentialsDb` (default: `db`), so `db` may be a counting wrapper. */
export function testSendDeps(input: {
  db: TDb;
  pool: pg.Pool;
  provider: TMessagingProvider;
  workerId: string;
  logName: string;
  credentialsDb?: TDb;
}): TSendDeps {
  const base: TSendDeps = {
    db: input.db,
    pool: input.pool,
    provider: input.provider,
    credentials: createCredentialCache(input.credentialsDb ?? input.db, testSecretBox),
    config: {
      retry: DEFAULT_RETRY_POLICY,
      throughput: DEFAULT_THROUGHPUT,
      concurrency: 16,
      leaseMs: 30_000,
      pollMs: 50,
    },
    workerId: input.workerId,
    clock: () => new Date(),
    random: () => 0.5,
    log: createLogger(input.logName, "fatal"),
  };
  return { ...base, acknowledge: createAcknowledger(base) };
}

/** A template send to `to` through the intake's service (an API request), queued; its message id. */
export async function queueTemplateSend(
  db: TDb,
  tenantId: string,
  senderId: string,
  to: string,
): Promise<string> {
  const result = await requestSend(requestSendDepsOf(db), {
    tenantId,
    request: {
      from: senderId,
      to,
      type: "template",
      template: { name: "order_update", language: "en_US", bodyParameters: ["#1", "Friday"] },
    },
    idempotencyKey: null,
    origin: { kind: "api", apiKeyId: crypto.randomUUID() },
    now: new Date(),
  });
  if (result.kind !== "created") throw new Error(`not created: ${result.kind}`);
  return result.message.id;
}

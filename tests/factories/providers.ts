// A provider that accepts every send at once with a fresh wamid and records each request in
// `calls`, for tests of the sending path that look at what was sent and in what batches.
import crypto from "node:crypto";
import type { TMessagingProvider, TProviderSendRequest } from "@/server/providers/types";

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

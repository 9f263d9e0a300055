// Standard Webhooks signing (https://www.standardwebhooks.com/): `webhook-id`, `webhook-timestamp`
// (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, computed by
// the `standardwebhooks` package itself so receivers can verify with any of its ports. During a
// secret rotation every live secret signs and the signatures are space-separated, as the spec
// allows: a receiver holding either secret verifies.
import crypto from "node:crypto";
import { Webhook } from "standardwebhooks";

const SECRET_PREFIX = "whsec_";

/** A new signing secret: 24 random bytes, base64, with the spec's `whsec_` prefix. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(24).toString("base64");
}

export type TSignedHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

export function signWebhook(
  secrets: readonly string[],
  messageId: string,
  timestamp: Date,
  body: string,
): TSignedHeaders {
  if (secrets.length === 0) throw new Error("signWebhook: the endpoint has no signing secret");
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": secrets
      .map((secret) => new Webhook(secret).sign(messageId, timestamp, body))
      .join(" "),
  };
}

// Sessions can be revoked: signing out refuses that session's id from then on; each session also
// carries the user's session version, which disabling (and re-enabling) and a password change
// move on, so the ladder refuses every session issued before. And the webhook route refuses a missing or malformed signature header before reading
// any of the body.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { attemptLogin } from "@/server/services/login";
import { changePassword, isSessionLive, revokeSession, setUserDisabled } from "@/server/services/users";
import { FACTORY_ACTOR, makeUser } from "../factories";
import { WEBHOOK_URL } from "../factories/webhooks";
import { createTestDb } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";
import { createWebhookTestPool, webhookHandlers } from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
const limits = { maxAttempts: 5, windowSeconds: 900 };

beforeAll(() => {
  db = createTestDb();
  pool = createWebhookTestPool();
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

async function signIn(email: string, password: string) {
  const result = await attemptLogin(db, { email, password, ip: "198.51.100.7" }, limits, new Date());
  if (!result.ok) throw new Error(`sign-in failed: ${result.reason}`);
  // what the JWT callback adds at sign-in
  return { ...result.user, sessionId: crypto.randomUUID() };
}

describe("session versions", () => {
  it("sign-out revokes that session (a copied cookie too), not the user's other sessions", async () => {
    const user = await makeUser(db, "engineer");
    const laptop = await signIn(user.email, user.password);
    const phone = await signIn(user.email, user.password);
    expect(await codeOf(callerFor(db, laptop).me.get())).toBe("OK");
    await revokeSession(db, FACTORY_ACTOR, {
      userId: user.id,
      sessionId: laptop.sessionId,
      expiresAt: new Date(Date.now() + 3_600_000),
      ip: null,
    });
    expect(await codeOf(callerFor(db, laptop).me.get())).toBe("UNAUTHORIZED");
    expect(await isSessionLive(db, { userId: user.id, ...laptop })).toBe(false);
    expect(await codeOf(callerFor(db, phone).me.get())).toBe("OK");
    expect(await isSessionLive(db, { userId: user.id, ...phone })).toBe(true);
  });

  it("re-enabling a disabled user does not revive their old sessions", async () => {
    const user = await makeUser(db, "support_agent");
    const session = await signIn(user.email, user.password);
    await setUserDisabled(db, FACTORY_ACTOR, { userId: user.id, isDisabled: true, reason: "left" });
    await setUserDisabled(db, FACTORY_ACTOR, { userId: user.id, isDisabled: false, reason: "back" });
    expect(await codeOf(callerFor(db, session).me.get())).toBe("UNAUTHORIZED");
    expect(await codeOf(callerFor(db, await signIn(user.email, user.password)).me.get())).toBe("OK");
  });

  it("a password change revokes the sessions signed in with the old one", async () => {
    const user = await makeUser(db, "admin");
    const session = await signIn(user.email, user.password);
    await changePassword(db, FACTORY_ACTOR, { userId: user.id, password: "a-brand-new-password-42" });
    expect(await codeOf(callerFor(db, session).me.get())).toBe("UNAUTHORIZED");
    expect(await codeOf(callerFor(db, await signIn(user.email, "a-brand-new-password-42")).me.get())).toBe(
      "OK",
    );
  });
});

describe("webhook signature header", () => {
  it.each([
    ["missing", null],
    ["malformed", "sha1=abc"],
    ["malformed", `sha256=${"z".repeat(64)}`],
  ])("is refused (%s) before the body is read", async (_reason, header) => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls += 1;
          controller.enqueue(new TextEncoder().encode('{"object":"whatsapp_business_account","entry":[]}'));
          controller.close();
        },
      },
      // pulled only when someone reads
      { highWaterMark: 0 },
    );
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (header !== null) headers["x-hub-signature-256"] = header;
    const request = new Request(WEBHOOK_URL, {
      method: "POST",
      headers,
      body,
      duplex: "half",
    } as RequestInit);
    const response = await webhookHandlers(pool).POST(request);
    expect(response.status).toBe(401);
    expect(pulls).toBe(0);
  });
});

// Sessions can be revoked: signing out refuses that session's id from then on; each session also
// carries the user's session version, which disabling (and re-enabling) and a password change
// move on, so the ladder refuses every session issued before; the procedures of one web request
// share one such check. And the webhook route refuses a missing or malformed signature header
// before reading any of the body.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { attemptLogin } from "@/server/services/login";
import { changePassword, isSessionLive, revokeSession, setUserDisabled } from "@/server/services/users";
import { FACTORY_ACTOR, makeUser } from "../factories";
import { WEBHOOK_URL } from "../factories/webhooks";
import { createTestDb } from "../setup/context";
import { createCaller } from "@/server/api/root";
import { createInnerContext, createSessionCheckMemo } from "@/server/api/trpc";
import type { TSessionUser } from "@/server/auth/session";
import { testSecretBox } from "../setup/context";
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

/** A caller over one web request's context: its procedures share one check of the session. */
function requestCallerFor(user: TSessionUser) {
  const sessionCheck = createSessionCheckMemo();
  const caller = createCaller(
    createInnerContext({
      db,
      secretBox: testSecretBox,
      queue: () => Promise.reject(new Error("no queue in this test")),
      sessionUser: user,
      ip: "127.0.0.1",
      sessionCheck,
    }),
  );
  return { caller, sessionCheck };
}

describe("one request, one session check", () => {
  it("the procedures of one request share its check; the next request checks again", async () => {
    const user = await makeUser(db, "engineer");
    const session = await signIn(user.email, user.password);
    const request = requestCallerFor(session);
    expect(request.sessionCheck.current).toBeNull();
    const [me, tenants] = await Promise.all([request.caller.me.get(), request.caller.tenants.list()]);
    expect(me.user.id).toBe(user.id);
    expect(Array.isArray(tenants)).toBe(true);
    const checked = request.sessionCheck.current;
    expect(checked).not.toBeNull();
    await revokeSession(db, FACTORY_ACTOR, {
      userId: user.id,
      sessionId: session.sessionId,
      expiresAt: new Date(Date.now() + 3_600_000),
      ip: null,
    });
    // the request in flight keeps the check it made (the session was live when it began)...
    expect(await codeOf(request.caller.me.get())).toBe("OK");
    expect(request.sessionCheck.current).toBe(checked);
    // ...the next request, and any context without the memo, reads the account again
    expect(await codeOf(requestCallerFor(session).caller.me.get())).toBe("UNAUTHORIZED");
    expect(await codeOf(callerFor(db, session).me.get())).toBe("UNAUTHORIZED");
  });

  it("a refused check refuses every procedure of the request", async () => {
    const user = await makeUser(db, "support_agent");
    const session = await signIn(user.email, user.password);
    await setUserDisabled(db, FACTORY_ACTOR, { userId: user.id, isDisabled: true, reason: "left" });
    const { caller } = requestCallerFor(session);
    const codes = await Promise.all([codeOf(caller.me.get()), codeOf(caller.tenants.list())]);
    expect(codes).toEqual(["UNAUTHORIZED", "UNAUTHORIZED"]);
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

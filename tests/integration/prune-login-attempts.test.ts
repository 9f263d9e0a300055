// Pruning console sign-in attempts: rows older than the retention go, newer ones (everything the
// throttle's window reads) stay, whatever their outcome.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import {
  handlePruneLoginAttempts,
  LOGIN_ATTEMPT_RETENTION_MS,
} from "@/server/worker/handlers/prune-login-attempts";
import { createTestDb, unique } from "../setup/context";

let db: TDb;
beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await db.$disconnect();
});

describe("system.prune-login-attempts", () => {
  it("deletes attempts older than the retention and keeps the rest", async () => {
    const now = new Date("2026-06-01T12:00:00Z");
    const account = `${unique("prune")}@x.test`;
    const at = (msAgo: number) => new Date(now.getTime() - msAgo);
    await db.loginAttempt.createMany({
      data: [
        {
          account,
          ip: "203.0.113.1",
          attemptedAt: at(LOGIN_ATTEMPT_RETENTION_MS + 60_000),
          outcome: "failed",
        },
        { account, ip: "203.0.113.1", attemptedAt: at(LOGIN_ATTEMPT_RETENTION_MS + 1), outcome: "succeeded" },
        {
          account,
          ip: "203.0.113.2",
          attemptedAt: at(LOGIN_ATTEMPT_RETENTION_MS - 60_000),
          outcome: "failed",
        },
        { account, ip: "203.0.113.2", attemptedAt: at(60_000), outcome: "failed" },
      ],
    });
    const deleted = await handlePruneLoginAttempts({ db }, now);
    expect(deleted).toBeGreaterThanOrEqual(2);
    const left = await db.loginAttempt.findMany({ where: { account }, orderBy: { attemptedAt: "asc" } });
    expect(left.map((r) => r.attemptedAt)).toEqual([at(LOGIN_ATTEMPT_RETENTION_MS - 60_000), at(60_000)]);
    expect(await handlePruneLoginAttempts({ db }, now)).toBe(0);
  });
});

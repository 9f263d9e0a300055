// The job queue's connection to PostgreSQL breaking under it (a database restart cuts every
// connection): pg-boss reports it as an `error` event, which must reach the caller's handler and
// never end the process (an EventEmitter's `error` with no listener throws).
import pg from "pg";
import type PgBoss from "pg-boss";
import { afterAll, describe, expect, it } from "vitest";
import { startQueue } from "@/server/jobs/queue";
import { testDatabaseUrl } from "../setup/context";
import { waitFor } from "../setup/processes";

let boss: PgBoss | undefined;
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
});

describe("the job queue when its connections are cut", () => {
  it("hands the error to the caller's handler, from the moment it starts", async () => {
    const errors: unknown[] = [];
    boss = await startQueue({
      databaseUrl: testDatabaseUrl(),
      expireInSeconds: 60,
      isSupervisor: false,
      onError: (error) => errors.push(error),
    });
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      // as a restart would: every idle connection of the queue's pool is terminated
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'waybill-queue'`,
      );
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await waitFor(async () => errors.length > 0, 10_000, "the queue to report its lost connection");
    expect(String(errors[0])).toMatch(/terminat/i);
  });
});

// Crash proof of the web process itself: the production Next.js server (scripts/web-server.mjs on
// the `next build` output), which is where Meta's webhooks land when no separate ingest listener
// runs, is killed with SIGKILL again and again while signed status webhooks are posted to it, and
// restarted each time. Kills come only once the server has acknowledged requests since it came
// up, so each one lands under load. Checked against what was acknowledged: every 200 is a stored
// request (0 lost), each stored request is processed once with one receipt per fact, and each
// message ends in the state its webhook reported.
//
// Needs the production build: `npm test` and `npm run test:chaos` build before this runs. Alone,
// without a build, the bounded form is skipped (and says so); the full form fails.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { findFreePort } from "@/server/platform/embedded-postgres";
import { signBody } from "@/server/ingest/verify-signature";
import { makeSenderNumber, makeTenant } from "../factories";
import { entry, envelope, messagesChange, statusItem } from "../factories/webhooks";
import { chaosScale, isFullChaos, reportFigures } from "../setup/chaos";
import { createTestDb, TEST_ENCRYPTION_KEY, testDatabaseUrl, testSecretBox } from "../setup/context";
import { scanLogs } from "../setup/log-scan";
import { startProcess, waitFor, type TRunningProcess } from "../setup/processes";
import { APP_SECRET, sentMessage, VERIFY_TOKEN } from "./webhook-helpers";

const MESSAGES = chaosScale(60, 300);
const WEB_KILLS = chaosScale(2, 10);
const POSTERS = 4;
const hasBuild = fs.existsSync(path.resolve(".next/BUILD_ID"));
if (!hasBuild && !isFullChaos)
  console.warn("chaos-web: no production build (.next/BUILD_ID); run `npx next build` to include this test");

let db: TDb;
let web: TRunningProcess | undefined;
let worker: TRunningProcess | undefined;

beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  for (const p of [web, worker]) if (p && p.child.exitCode === null) p.child.kill("SIGKILL");
  await db.$disconnect();
});

describe.skipIf(!hasBuild && !isFullChaos)(
  "chaos: kill -9 of the Next.js web process under webhook load",
  () => {
    it(
      "stores every 200-acknowledged webhook and processes each once",
      async () => {
        expect(hasBuild, "the production build (.next/BUILD_ID): run `npx next build` first").toBe(true);
        const tenant = await makeTenant(db);
        const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
        const messages: {
          messageId: string;
          wamid: string;
          recipient: string;
          status: "sent" | "delivered";
        }[] = [];
        for (let i = 0; i < MESSAGES; i += 1) {
          const recipient = `1555${String(4_000_000 + i)}`;
          const m = await sentMessage(db, tenant.id, sender.id, { recipient });
          messages.push({ ...m, recipient, status: i % 2 === 0 ? "sent" : "delivered" });
        }
        // one webhook per message, so the oracle of each message is the one status posted for it
        const bodies = messages.map((m, i) =>
          JSON.stringify(
            envelope([
              entry(sender.wabaId, [
                messagesChange(sender.phoneNumberId, sender.displayNumber, {
                  statuses: [
                    statusItem(m.wamid, m.status, Date.now() - 600_000 + i, { recipient_id: m.recipient }),
                  ],
                }),
              ]),
            ]),
          ),
        );

        const port = await findFreePort();
        const webEnv = {
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: testDatabaseUrl(),
          AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
          AUTH_URL: `http://127.0.0.1:${port}`,
          WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
          WHATSAPP_APP_SECRET: APP_SECRET,
          WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
          LOG_LEVEL: "debug",
        };
        const logs: string[] = [];
        const startWeb = () =>
          startProcess("scripts/web-server.mjs", webEnv, ["-p", String(port), "-H", "127.0.0.1"]);
        const isUp = async () =>
          (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status === 200;
        const waitUp = (p: TRunningProcess) =>
          waitFor(
            async () => {
              if (p.child.exitCode !== null) throw new Error(`web exited:\n${p.output()}`);
              return isUp();
            },
            180_000,
            "the web process to answer",
          );
        // the worker first: /api/health answers 200 only while a worker's heartbeat is fresh
        worker = startProcess("server/worker/main.ts", {
          DATABASE_URL: testDatabaseUrl(),
          WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
          WAYBILL_WORKER_HEARTBEAT_SECONDS: "1",
          WAYBILL_INGEST_POLL_MS: "50",
          LOG_LEVEL: "debug",
        });
        web = startWeb();
        await waitUp(web);

        // posters: each body is posted until a 200; a refused or broken request is posted again, as
        // Meta re-delivers (never anything but 200, 503 or no answer)
        const acknowledged = new Set<string>();
        let posts = 0;
        let notAcknowledged = 0;
        let next = 0;
        let ackedSinceStart = 0;
        let takenSinceStart = 0;
        // each life of the web process is offered a bounded share of the bodies: the posters
        // keep it busy when the kill lands, but can never post everything before the last kill
        // (which a fast machine otherwise did, ending the run with fewer kills than asked)
        const perLife = Math.max(1, Math.floor(bodies.length / (WEB_KILLS + 2)));
        const lifeShare = perLife + Math.max(1, Math.floor(perLife / WEB_KILLS));
        const poster = async () => {
          for (;;) {
            while (kills < WEB_KILLS && takenSinceStart >= lifeShare) {
              await new Promise((r) => setTimeout(r, 10));
            }
            takenSinceStart += 1;
            const index = next++;
            if (index >= bodies.length) return;
            const raw = bodies[index]!;
            for (;;) {
              posts += 1;
              const status = await fetch(`http://127.0.0.1:${port}/api/webhooks/whatsapp`, {
                method: "POST",
                headers: {
                  "content-type": "application/json",
                  "x-hub-signature-256": signBody(raw, APP_SECRET),
                },
                body: raw,
                signal: AbortSignal.timeout(15_000),
              })
                .then((r) => r.status)
                .catch(() => 0);
              if (status === 200) {
                acknowledged.add(crypto.createHash("sha256").update(raw).digest("hex"));
                ackedSinceStart += 1;
                break;
              }
              notAcknowledged += 1;
              expect([0, 503]).toContain(status);
              await new Promise((r) => setTimeout(r, 200));
            }
          }
        };
        // the killer: each kill waits for a few acknowledgements from the current process, so it
        // lands while requests are being taken, then restarts the process and waits for it
        let kills = 0;
        const killer = async () => {
          while (kills < WEB_KILLS) {
            await waitFor(
              async () => ackedSinceStart >= perLife || next >= bodies.length,
              180_000,
              "acknowledgements from the running web process",
            );
            if (next >= bodies.length) return;
            const current = web!;
            current.child.kill("SIGKILL");
            await current.exited;
            logs.push(current.output());
            kills += 1;
            web = startWeb();
            ackedSinceStart = 0;
            takenSinceStart = 0;
            await waitUp(web);
          }
        };
        await Promise.all([killer(), ...Array.from({ length: POSTERS }, () => poster())]);

        const shas = [...acknowledged];
        const pendingOf = async () =>
          (
            await db.$queryRawUnsafe<{ n: number }[]>(
              "SELECT count(*)::int AS n FROM webhook_inbox WHERE encode(body_sha256, 'hex') = ANY($1) AND status = 'pending'",
              shas,
            )
          )[0]!.n;
        await waitFor(async () => (await pendingOf()) === 0, 120_000, "the backlog to drain");
        for (const p of [web, worker]) {
          p.child.kill("SIGTERM");
          await p.exited;
          logs.push(p.output());
        }

        // 0 lost: every acknowledged body is a stored row, processed once
        const rows = await db.$queryRawUnsafe<{ status: string; process_count: number }[]>(
          "SELECT status::text AS status, process_count FROM webhook_inbox WHERE encode(body_sha256, 'hex') = ANY($1)",
          shas,
        );
        expect(acknowledged.size).toBe(bodies.length);
        expect(rows).toHaveLength(acknowledged.size);
        expect(rows.filter((r) => r.status !== "processed")).toEqual([]);
        expect(rows.filter((r) => r.process_count !== 1)).toEqual([]);

        // one receipt per fact, and each message in the state its webhook reported
        const ids = messages.map((m) => m.messageId);
        const receipts = await db.messageEventReceipt.groupBy({
          by: ["messageId", "dedupeKey"],
          where: { tenantId: tenant.id, messageId: { in: ids }, source: "webhook" },
          _count: { _all: true },
        });
        const duplicated = receipts.filter((r) => r._count._all !== 1).length;
        expect(duplicated).toBe(0);
        expect(receipts).toHaveLength(messages.length);
        const states = new Map(
          (
            await db.message.findMany({
              where: { tenantId: tenant.id, id: { in: ids } },
              select: { id: true, state: true },
            })
          ).map((m) => [m.id, m.state]),
        );
        expect(messages.filter((m) => states.get(m.messageId) !== m.status)).toEqual([]);

        // the web process's own logs, at debug, hold no recipient number
        expect(scanLogs(logs, { phoneNumbers: messages.map((m) => m.recipient), bodies: [] })).toEqual([]);
        expect(kills).toBe(WEB_KILLS);
        reportFigures("chaos.web", {
          webhooks: bodies.length,
          acknowledged: acknowledged.size,
          lost: bodies.length - rows.length,
          duplicated,
          posts,
          notAcknowledged,
          webKills: kills,
        });
      },
      chaosScale(480_000, 1_200_000),
    );
  },
);

// Dead letters as issues on real PostgreSQL: deadLetters.listGroups groups one tenant's open dead
// letters by error code x sender number x template (counts, first and last seen), narrowed by the
// list's filters; a group's dry run freezes exactly its messages (a group without an error code or
// template matches those without one); a retried message that fails again comes back into its
// group, linked to the bulk operation that retried it. The tenant wall and bad input on each.
import crypto from "node:crypto";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import type { TSessionUser } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import type { TRole } from "@/server/domain/access/permissions";
import { appendEvents } from "@/server/services/ledger/append-events";
import { handleRunBulkAction } from "@/server/worker/handlers/run-bulk-action";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { drafts } from "../factories/ledger";
import { DEAD_LETTER_ERRORS, makeMessage, stories, wamidFor } from "../factories/messages";
import { createTestDb, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";

type TUser = { id: string; email: string; name: string; role: TRole; tenantId: string | null };

const H = 3_600_000;
const PERMANENT = "permanent error 131026 (Message undeliverable): not retried automatically";
const EXHAUSTED = "retry budget spent: 8 of 8 attempts failed (last: 131000 Something went wrong)";
const IN_DOUBT = "given up in doubt by an engineer";

let db: TDb;
let acme: { id: string };
let globex: { id: string };
let senderA: string;
let senderB: string;
let globexSender: string;
const users = {} as Record<"support" | "engineer" | "acmeAdmin" | "globexAdmin", TUser>;
const fakeQueue = { send: () => Promise.resolve(crypto.randomUUID()) } as unknown as PgBoss;

function as(user: TSessionUser) {
  return createCaller(
    createInnerContext({
      db,
      secretBox: testSecretBox,
      queue: () => Promise.resolve(fakeQueue),
      sessionUser: user,
      ip: "127.0.0.1",
      bulkApprovalThreshold: 20,
    }),
  );
}

async function deadLettered(input: {
  tenantId: string;
  senderNumberId: string;
  error: TLedgerError | null;
  reason: string;
  agoMs: number;
  templateName?: string | null;
}) {
  const t0 = Date.now() - input.agoMs;
  const steps = input.error
    ? stories.deadLettered(t0, input.error, input.reason)
    : [{ atMs: t0 + 1500, drafts: [drafts.attemptStarted(1), drafts.deadLettered(1, input.reason, null)] }];
  return makeMessage(
    db,
    {
      tenantId: input.tenantId,
      senderNumberId: input.senderNumberId,
      templateName: input.templateName,
      createdAtMs: t0,
    },
    steps,
  );
}

const ids = {} as Record<
  "undeliverable1" | "undeliverable2" | "undeliverable3" | "otherSender" | "text" | "inDoubt" | "globex",
  string
>;

beforeAll(async () => {
  db = createTestDb();
  acme = await makeTenant(db, { name: "Acme Groups" });
  globex = await makeTenant(db, { name: "Globex Groups" });
  senderA = (await makeSenderNumber(db, testSecretBox, acme.id)).id;
  senderB = (await makeSenderNumber(db, testSecretBox, acme.id)).id;
  globexSender = (await makeSenderNumber(db, testSecretBox, globex.id)).id;
  users.support = await makeUser(db, "support_agent");
  users.engineer = await makeUser(db, "engineer");
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  users.globexAdmin = await makeUser(db, "tenant_admin", { tenantId: globex.id });

  const undeliverable = {
    tenantId: acme.id,
    senderNumberId: senderA,
    error: DEAD_LETTER_ERRORS.undeliverable,
    reason: PERMANENT,
  };
  ids.undeliverable1 = (await deadLettered({ ...undeliverable, agoMs: 30 * H })).id;
  ids.undeliverable2 = (await deadLettered({ ...undeliverable, agoMs: 5 * H })).id;
  ids.undeliverable3 = (await deadLettered({ ...undeliverable, agoMs: 0.5 * H })).id;
  // the same error and template from another number: another issue
  ids.otherSender = (await deadLettered({ ...undeliverable, senderNumberId: senderB, agoMs: 2 * H })).id;
  ids.text = (
    await deadLettered({
      tenantId: acme.id,
      senderNumberId: senderA,
      templateName: null,
      error: DEAD_LETTER_ERRORS.generic,
      reason: EXHAUSTED,
      agoMs: 3 * H,
    })
  ).id;
  ids.inDoubt = (
    await deadLettered({
      tenantId: acme.id,
      senderNumberId: senderA,
      error: null,
      reason: IN_DOUBT,
      agoMs: 4 * H,
    })
  ).id;
  ids.globex = (
    await deadLettered({
      tenantId: globex.id,
      senderNumberId: globexSender,
      error: DEAD_LETTER_ERRORS.undeliverable,
      reason: PERMANENT,
      agoMs: 1 * H,
    })
  ).id;
});

afterAll(async () => {
  await db.$disconnect();
});

describe("deadLetters.listGroups", () => {
  it("groups open dead letters by error code x sender number x template, newest issue first", async () => {
    const result = await callerFor(db, users.support).deadLetters.listGroups({ tenantId: acme.id });
    expect(result.total).toBe(6);
    expect(result.isTruncated).toBe(false);
    expect(
      result.groups.map((g) => [g.errorCode, g.senderNumberId, g.templateName, g.count, g.failedAgain]),
    ).toEqual([
      ["131026", senderA, "order_update", 3, 0],
      ["131026", senderB, "order_update", 1, 0],
      ["131000", senderA, null, 1, 0],
      [null, senderA, "order_update", 1, 0],
    ]);
    const [top] = result.groups;
    expect(top).toMatchObject({
      tenantId: acme.id,
      errorTitle: "Message undeliverable",
      reasonClass: "permanent",
      latestReason: PERMANENT,
      lastOperationId: null,
    });
    expect(Date.now() - top!.firstSeenAt.getTime()).toBeGreaterThan(29 * H);
    expect(Date.now() - top!.lastSeenAt.getTime()).toBeLessThan(H);
    expect(result.groups.find((g) => g.errorCode === null)?.reasonClass).toBe("other");
  });

  it("is narrowed by the list's filters, and caps the number of groups", async () => {
    const caller = callerFor(db, users.engineer);
    const recent = await caller.deadLetters.listGroups({ tenantId: acme.id, age: "1h-24h" });
    expect(recent.groups.map((g) => [g.errorCode, g.senderNumberId, g.count])).toEqual([
      ["131026", senderB, 1],
      ["131000", senderA, 1],
      [null, senderA, 1],
      ["131026", senderA, 1],
    ]);
    const bySender = await caller.deadLetters.listGroups({ tenantId: acme.id, senderNumberId: senderB });
    expect(bySender.groups.map((g) => g.count)).toEqual([1]);
    const capped = await caller.deadLetters.listGroups({ tenantId: acme.id, limit: 2 });
    expect(capped.groups).toHaveLength(2);
    expect(capped.isTruncated).toBe(true);
    expect(capped.total).toBe(6);
  });

  it("tenant wall: only the caller's tenant; the foreign tenant is FORBIDDEN, anonymous UNAUTHORIZED", async () => {
    const own = await callerFor(db, users.acmeAdmin).deadLetters.listGroups({ tenantId: acme.id });
    expect(own.groups.every((g) => g.tenantId === acme.id)).toBe(true);
    expect(own.groups.some((g) => g.senderNumberId === globexSender)).toBe(false);
    expect(await codeOf(callerFor(db, users.acmeAdmin).deadLetters.listGroups({ tenantId: globex.id }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(callerFor(db, users.globexAdmin).deadLetters.listGroups({ tenantId: acme.id }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(callerFor(db, null).deadLetters.listGroups({ tenantId: acme.id }))).toBe(
      "UNAUTHORIZED",
    );
    expect(
      await codeOf(callerFor(db, users.engineer).deadLetters.listGroups({ tenantId: crypto.randomUUID() })),
    ).toBe("NOT_FOUND");
    // Globex's own issue is there for Globex, and never in Acme's
    const theirs = await callerFor(db, users.globexAdmin).deadLetters.listGroups({ tenantId: globex.id });
    expect(theirs.groups.map((g) => g.count)).toEqual([1]);
  });

  it("refuses bad input with a clear error", async () => {
    const caller = callerFor(db, users.engineer);
    expect(await codeOf(caller.deadLetters.listGroups({ tenantId: "acme" }))).toBe("BAD_REQUEST");
    expect(await codeOf(caller.deadLetters.listGroups({ tenantId: acme.id, limit: 0 }))).toBe("BAD_REQUEST");
    expect(await codeOf(caller.deadLetters.listGroups({ tenantId: acme.id, age: "forever" as "lt1h" }))).toBe(
      "BAD_REQUEST",
    );
    expect(
      await codeOf(
        as(users.engineer).deadLetters.prepareBulk({
          kind: "retry",
          tenantId: acme.id,
          selection: {
            kind: "group",
            filters: {},
            group: { errorCode: "131026", senderNumberId: "not-a-uuid", templateName: null },
          },
        }),
      ),
    ).toBe("BAD_REQUEST");
  });
});

describe("a grouped issue's dry run and retry", () => {
  it("freezes exactly the group's open dead letters, null error code and template included", async () => {
    const engineer = as(users.engineer);
    const prepare = (group: {
      errorCode: string | null;
      senderNumberId: string;
      templateName: string | null;
    }) =>
      engineer.deadLetters.prepareBulk({
        kind: "discard",
        tenantId: acme.id,
        selection: { kind: "group", filters: {}, group },
      });
    expect(
      (await prepare({ errorCode: "131026", senderNumberId: senderA, templateName: "order_update" }))
        .frozenFromFilter,
    ).toBe(3);
    expect(
      (await prepare({ errorCode: null, senderNumberId: senderA, templateName: "order_update" }))
        .frozenFromFilter,
    ).toBe(1);
    expect(
      (await prepare({ errorCode: "131000", senderNumberId: senderA, templateName: null })).frozenFromFilter,
    ).toBe(1);
    // the view's filters narrow the issue as they narrowed its count
    const narrowed = await engineer.deadLetters.prepareBulk({
      kind: "discard",
      tenantId: acme.id,
      selection: {
        kind: "group",
        filters: { age: "gt24h" },
        group: { errorCode: "131026", senderNumberId: senderA, templateName: "order_update" },
      },
    });
    expect(narrowed.frozenFromFilter).toBe(1);
    // a tenant admin cannot reach another tenant's issue
    expect(
      await codeOf(
        as(users.acmeAdmin).deadLetters.prepareBulk({
          kind: "retry",
          tenantId: globex.id,
          selection: {
            kind: "group",
            filters: {},
            group: { errorCode: "131026", senderNumberId: globexSender, templateName: "order_update" },
          },
        }),
      ),
    ).toBe("FORBIDDEN");
  });

  it("a retried message that fails again comes back into its group, linked to the operation", async () => {
    const engineer = as(users.engineer);
    const prepared = await engineer.deadLetters.prepareBulk({
      kind: "retry",
      tenantId: acme.id,
      selection: {
        kind: "group",
        filters: {},
        group: { errorCode: "131026", senderNumberId: senderB, templateName: "order_update" },
      },
    });
    expect(prepared.frozenFromFilter).toBe(1);
    const bulkActionId = prepared.bulkActionId!;
    await engineer.deadLetters.requestBulk({ bulkActionId, reason: "number B re-verified" });
    expect(await handleRunBulkAction({ db }, { bulkActionId })).toMatchObject({ retried: 1 });

    // retried: out of the open issues while the retry is pending
    let groups = (await engineer.deadLetters.listGroups({ tenantId: acme.id, senderNumberId: senderB }))
      .groups;
    expect(groups).toEqual([]);

    // the provider accepts attempt 2, then reports it failed: back into view, not "acknowledged"
    const wamid = wamidFor(`groups-${ids.otherSender}`);
    await db.$transaction((tx) =>
      appendEvents(
        tx,
        acme.id,
        ids.otherSender,
        [
          drafts.attemptStarted(2),
          drafts.accepted(2, wamid),
          drafts.failed(wamid, Date.now(), DEAD_LETTER_ERRORS.undeliverable, 2),
        ],
        { now: new Date() },
      ),
    );
    groups = (await engineer.deadLetters.listGroups({ tenantId: acme.id, senderNumberId: senderB })).groups;
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      errorCode: "131026",
      count: 1,
      failedAgain: 1,
      lastOperationId: bulkActionId,
      lastRetriedBy: `user:${users.engineer.email}`,
    });
    // a tenant admin sees that Waybill staff retried it, not who
    const forAdmin = await callerFor(db, users.acmeAdmin).deadLetters.listGroups({
      tenantId: acme.id,
      senderNumberId: senderB,
    });
    expect(forAdmin.groups[0]).toMatchObject({
      lastOperationId: bulkActionId,
      lastRetriedBy: "Waybill staff",
    });
    const [op] = (await engineer.deadLetters.listBulk({ tenantId: acme.id })).items.filter(
      (i) => i.id === bulkActionId,
    );
    expect(op?.progress).toMatchObject({ failedAgain: 1, acknowledged: 0 });
  });
});

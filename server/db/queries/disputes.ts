// Console reads of disputes: the list (keyset-paginated, per tenant or across the tenants a role
// sees) and one message's disputes with their notes. Every function takes the tenant(s).
import type { TDb, TDbTx } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";

export const DISPUTE_STATUSES = ["open", "resolved"] as const;
export type TDisputeStatus = (typeof DISPUTE_STATUSES)[number];
export const DISPUTE_OUTCOMES = ["delivered", "not_delivered", "inconclusive", "withdrawn"] as const;
export type TDisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

export type TDisputeCursor = { openedAt: Date; id: string };

export type TDisputeListQuery = {
  status?: TDisputeStatus;
  ticketRef?: string;
  messageId?: string;
  after?: TDisputeCursor;
  limit: number;
};

export type TDisputeListRow = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  id: string;
  messageId: string;
  ticketRef: string;
  status: TDisputeStatus;
  outcome: TDisputeOutcome | null;
  outcomeSummary: string | null;
  openedBy: string;
  openedAt: Date;
  resolvedAt: Date | null;
  noteCount: number;
  updatedAt: Date;
  messageState: TMessageState;
  templateName: string | null;
};

/**
 * A page of disputes, newest first, over one tenant or every tenant a cross-tenant role sees
 * (the per-tenant query runs in a LATERAL join, so each is an index range scan on a tenant-first
 * index; see migration 005).
 */
export async function listDisputes(
  db: TDb | TDbTx,
  tenantIds: readonly string[],
  query: TDisputeListQuery,
): Promise<{ rows: TDisputeListRow[]; nextCursor: TDisputeCursor | null }> {
  if (tenantIds.length === 0) return { rows: [], nextCursor: null };
  const conditions: Prisma.Sql[] = [Prisma.sql`d.tenant_id = scope.tenant_id`];
  if (query.status) conditions.push(Prisma.sql`d.status = ${query.status}::dispute_status`);
  if (query.ticketRef) conditions.push(Prisma.sql`d.ticket_ref = ${query.ticketRef}`);
  if (query.messageId) conditions.push(Prisma.sql`d.message_id = ${query.messageId}::uuid`);
  if (query.after) {
    conditions.push(
      Prisma.sql`d.opened_at <= ${query.after.openedAt} AND (d.opened_at < ${query.after.openedAt} OR d.id < ${query.after.id}::uuid)`,
    );
  }
  const take = query.limit + 1;
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      tenant_name: string;
      id: string;
      message_id: string;
      ticket_ref: string;
      status: TDisputeStatus;
      outcome: TDisputeOutcome | null;
      outcome_summary: string | null;
      opened_by: string;
      opened_at: Date;
      resolved_at: Date | null;
      note_count: number;
      updated_at: Date;
      message_state: TMessageState;
      template_name: string | null;
    }[]
  >`
    SELECT d.tenant_id::text AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name, d.id::text AS id,
           d.message_id::text AS message_id, d.ticket_ref, d.status, d.outcome, d.outcome_summary,
           d.opened_by, d.opened_at, d.resolved_at, d.note_count, d.updated_at,
           m.state AS message_state, m.template_name
    FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
    CROSS JOIN LATERAL (
      SELECT d.* FROM dispute d
      WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY d.opened_at DESC, d.id DESC
      LIMIT ${take}
    ) d
    JOIN tenant t ON t.id = d.tenant_id
    JOIN message m ON m.tenant_id = d.tenant_id AND m.id = d.message_id
    ORDER BY d.opened_at DESC, d.id DESC
    LIMIT ${take}`;
  const page = rows.slice(0, query.limit).map((row) => ({
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    tenantName: row.tenant_name,
    id: row.id,
    messageId: row.message_id,
    ticketRef: row.ticket_ref,
    status: row.status,
    outcome: row.outcome,
    outcomeSummary: row.outcome_summary,
    openedBy: row.opened_by,
    openedAt: row.opened_at,
    resolvedAt: row.resolved_at,
    noteCount: row.note_count,
    updatedAt: row.updated_at,
    messageState: row.message_state,
    templateName: row.template_name,
  }));
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > query.limit && last ? { openedAt: last.openedAt, id: last.id } : null,
  };
}

const DISPUTE_SELECT = {
  id: true,
  messageId: true,
  ticketRef: true,
  status: true,
  outcome: true,
  outcomeSummary: true,
  openedBy: true,
  openedAt: true,
  outcomeRecordedBy: true,
  outcomeRecordedAt: true,
  resolvedBy: true,
  resolvedAt: true,
  noteCount: true,
  updatedAt: true,
} as const;

/** One dispute of the tenant, or null. */
export function findDispute(db: TDb | TDbTx, tenantId: string, disputeId: string) {
  return db.dispute.findUnique({
    where: { tenantId_id: { tenantId, id: disputeId } },
    select: DISPUTE_SELECT,
  });
}

/** A message's disputes, newest first, each with its notes in order. */
export async function listMessageDisputes(db: TDb | TDbTx, tenantId: string, messageId: string) {
  const disputes = await db.dispute.findMany({
    where: { tenantId, messageId },
    select: DISPUTE_SELECT,
    orderBy: [{ openedAt: "desc" }, { id: "desc" }],
  });
  if (disputes.length === 0) return [];
  const notes = await db.disputeNote.findMany({
    where: { tenantId, disputeId: { in: disputes.map((d) => d.id) } },
    select: {
      id: true,
      disputeId: true,
      kind: true,
      author: true,
      body: true,
      outcome: true,
      ledgerEventId: true,
      createdAt: true,
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return disputes.map((dispute) => ({
    ...dispute,
    notes: notes.filter((note) => note.disputeId === dispute.id),
  }));
}

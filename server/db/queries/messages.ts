// Console reads of messages: the search (keyset-paginated, one index per filter, see migration
// 005) and the pieces of a message's page that readLedger does not return (the message row with
// its sender, wamids, event columns, receipts, linked raw webhooks). Every function takes the
// tenant(s) and puts them in `where` (CONVENTIONS habit 3).
import type { TDb, TDbTx } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import { DUPLICATE_CONFLICT_KINDS } from "@/server/domain/reconciliation/possible-duplicate";
import { maskRecipient } from "@/server/domain/sending/send-request";
import type { TSearchTerm } from "@/server/domain/search/search-term";

export type TMessageCursor = { createdAt: Date; id: string };

/** A recipient filter: an exact E.164 number, or the number's last digits. */
export type TRecipientFilter = { kind: "exact" | "suffix"; digits: string };

export type TMessageSearchQuery = {
  /** the search box's text, read as every kind of id it can be (ANDed with the other filters) */
  term?: TSearchTerm;
  messageId?: string;
  wamid?: string;
  recipient?: TRecipientFilter;
  senderNumberId?: string;
  templateName?: string;
  state?: TMessageState;
  errorCode?: string;
  /** two attempts may both have reached the recipient (a rare flag: no index of its own, it
   *  filters the tenant's keyset scan) */
  isPossibleDuplicate?: boolean;
  /** inclusive */
  createdFrom?: Date;
  /** exclusive */
  createdTo?: Date;
  sort: "created_desc" | "created_asc";
  /** the page after this row (in `sort` order) */
  after?: TMessageCursor;
  /** the page before this row (in `sort` order) */
  before?: TMessageCursor;
  limit: number;
};

export type TMessageSearchRow = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  id: string;
  /** masked ("+1555•••4567"): search results never carry a full number */
  recipientMasked: string;
  senderNumberId: string;
  senderDisplayNumber: string;
  senderLabel: string | null;
  contentKind: string;
  templateName: string | null;
  state: TMessageState;
  stateReachedAt: Date;
  lastErrorCode: string | null;
  providerMessageId: string | null;
  conflictKinds: string[];
  attemptCount: number;
  hasOpenDispute: boolean;
  createdAt: Date;
};

export type TMessageSearchPage = {
  rows: TMessageSearchRow[];
  nextCursor: TMessageCursor | null;
  prevCursor: TMessageCursor | null;
};

type TSearchSqlRow = {
  tenant_id: string;
  tenant_slug: string;
  tenant_name: string;
  id: string;
  recipient: string;
  sender_number_id: string;
  sender_display_number: string;
  sender_label: string | null;
  content_kind: string;
  template_name: string | null;
  state: TMessageState;
  state_reached_at: Date;
  last_error_code: string | null;
  provider_message_id: string | null;
  conflict_kinds: string[];
  attempt_count: number;
  has_open_dispute: boolean;
  created_at: Date;
};

/** The exclusive upper bound of strings starting with `prefix` (digits only: '9' + 1 is ':'). */
function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

function reversed(digits: string): string {
  return [...digits].reverse().join("");
}

/**
 * A number as a condition on the stored reversed digits (migration 018): an exact number is
 * equality, "last digits" a prefix range. Plain text operators of text_pattern_ops, all LEAKPROOF,
 * so they stay index conditions inside the row-level-security scope (an expression such as
 * reverse(recipient) may not), and the index serves generic plans too (LIKE needs a literal).
 */
function recipientCondition(kind: "exact" | "suffix", digits: string): Prisma.Sql {
  const key = reversed(digits);
  return kind === "exact"
    ? Prisma.sql`m.recipient_reversed = ${key}`
    : Prisma.sql`m.recipient_reversed ~>=~ ${key} AND m.recipient_reversed ~<~ ${prefixUpperBound(key)}`;
}

/**
 * One page of a search over `tenantIds` (one tenant, or every tenant a cross-tenant role sees).
 * The same per-tenant query runs inside a LATERAL join for each tenant, so each one is an index
 * range scan that stops after `limit + 1` rows (tenant_id leads every index), and the pages are
 * merged on (created_at, id). Keyset pagination: deep pages cost the same as the first.
 */
export async function searchMessages(
  db: TDb | TDbTx,
  tenantIds: readonly string[],
  query: TMessageSearchQuery,
): Promise<TMessageSearchPage> {
  if (tenantIds.length === 0) return { rows: [], nextCursor: null, prevCursor: null };
  const rows = await db.$queryRaw<TSearchSqlRow[]>(searchMessagesSql(tenantIds, query));
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit).map(toSearchRow);
  // rows came back in scan order; a backwards page is shown in the requested order
  if (query.before) page.reverse();
  const first = page[0];
  const last = page.at(-1);
  const keyOf = (row: TMessageSearchRow): TMessageCursor => ({ createdAt: row.createdAt, id: row.id });
  if (query.before) {
    return {
      rows: page,
      // we came back from the page after this one, so it exists
      nextCursor: last ? keyOf(last) : null,
      prevCursor: hasMore && first ? keyOf(first) : null,
    };
  }
  return {
    rows: page,
    nextCursor: hasMore && last ? keyOf(last) : null,
    prevCursor: query.after && first ? keyOf(first) : null,
  };
}

/** The search's SQL (exported so the bench can EXPLAIN exactly what runs). */
export function searchMessagesSql(tenantIds: readonly string[], query: TMessageSearchQuery): Prisma.Sql {
  const cursor = query.before ?? query.after;
  // scanning newest-first: sort desc going forward, or sort asc going back
  const isScanDesc = (query.sort === "created_desc") !== (query.before !== undefined);
  const conditions: Prisma.Sql[] = [Prisma.sql`m.tenant_id = scope.tenant_id`];
  if (query.messageId) conditions.push(Prisma.sql`m.id = ${query.messageId}::uuid`);
  if (query.term) conditions.push(termCondition(query.term));
  if (query.wamid) {
    // any attempt's wamid, not only the latest one kept on the message row
    conditions.push(Prisma.sql`m.id IN (SELECT p.message_id FROM message_provider_id p
      WHERE p.tenant_id = scope.tenant_id AND p.provider_message_id = ${query.wamid})`);
  }
  if (query.recipient) {
    conditions.push(recipientCondition(query.recipient.kind, query.recipient.digits));
  }
  if (query.senderNumberId) conditions.push(Prisma.sql`m.sender_number_id = ${query.senderNumberId}::uuid`);
  if (query.templateName) conditions.push(Prisma.sql`m.template_name = ${query.templateName}`);
  if (query.state) conditions.push(Prisma.sql`m.state = ${query.state}::message_state`);
  if (query.errorCode) conditions.push(Prisma.sql`m.last_error_code = ${query.errorCode}`);
  if (query.isPossibleDuplicate)
    conditions.push(Prisma.sql`m.conflict_kinds && ${[...DUPLICATE_CONFLICT_KINDS]}::text[]`);
  if (query.createdFrom) conditions.push(Prisma.sql`m.created_at >= ${query.createdFrom}`);
  if (query.createdTo) conditions.push(Prisma.sql`m.created_at < ${query.createdTo}`);
  if (cursor) {
    // written so the created_at bound is an index condition; the id only breaks ties
    conditions.push(
      isScanDesc
        ? Prisma.sql`m.created_at <= ${cursor.createdAt} AND (m.created_at < ${cursor.createdAt} OR m.id < ${cursor.id}::uuid)`
        : Prisma.sql`m.created_at >= ${cursor.createdAt} AND (m.created_at > ${cursor.createdAt} OR m.id > ${cursor.id}::uuid)`,
    );
  }
  const direction = Prisma.raw(isScanDesc ? "DESC" : "ASC");
  const take = query.limit + 1;
  return Prisma.sql`
    SELECT m.tenant_id::text AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name,
           m.id::text AS id, m.recipient, m.sender_number_id::text AS sender_number_id,
           s.display_number AS sender_display_number, s.label AS sender_label, m.content_kind,
           m.template_name, m.state, m.state_reached_at, m.last_error_code, m.provider_message_id,
           m.conflict_kinds, m.attempt_count, m.created_at,
           EXISTS (SELECT 1 FROM dispute d WHERE d.tenant_id = m.tenant_id AND d.message_id = m.id
                   AND d.status = 'open') AS has_open_dispute
    FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
    CROSS JOIN LATERAL (
      SELECT m.tenant_id, m.id, m.recipient, m.sender_number_id, m.content_kind, m.template_name,
             m.state, m.state_reached_at, m.last_error_code, m.provider_message_id, m.conflict_kinds,
             m.attempt_count, m.created_at
      FROM message m
      WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY m.created_at ${direction}, m.id ${direction}
      LIMIT ${take}
    ) m
    JOIN tenant t ON t.id = m.tenant_id
    JOIN sender_number s ON s.tenant_id = m.tenant_id AND s.id = m.sender_number_id
    ORDER BY m.created_at ${direction}, m.id ${direction}
    LIMIT ${take}`;
}

/**
 * The search box's reading as one condition. A reference resolves to message ids first (wamid
 * primary key, ticket-reference index), so the message scan is a handful of primary-key probes.
 */
function termCondition(term: TSearchTerm): Prisma.Sql {
  switch (term.kind) {
    case "message_id":
      return Prisma.sql`m.id = ${term.messageId}::uuid`;
    case "recipient":
      return recipientCondition(term.match, term.digits);
    case "reference": {
      const byTicket =
        term.ticketRefs.length > 0
          ? Prisma.sql`UNION SELECT d.message_id FROM dispute d
              WHERE d.tenant_id = scope.tenant_id AND d.ticket_ref = ANY(${term.ticketRefs}::text[])`
          : Prisma.empty;
      return Prisma.sql`m.id = ANY(ARRAY(
        SELECT p.message_id FROM message_provider_id p
        WHERE p.tenant_id = scope.tenant_id AND p.provider_message_id = ANY(${term.wamids}::text[])
        ${byTicket}))`;
    }
    default: {
      const unreachable: never = term;
      return unreachable;
    }
  }
}

function toSearchRow(row: TSearchSqlRow): TMessageSearchRow {
  return {
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    tenantName: row.tenant_name,
    id: row.id,
    recipientMasked: maskRecipient(row.recipient),
    senderNumberId: row.sender_number_id,
    senderDisplayNumber: row.sender_display_number,
    senderLabel: row.sender_label,
    contentKind: row.content_kind,
    templateName: row.template_name,
    state: row.state,
    stateReachedAt: row.state_reached_at,
    lastErrorCode: row.last_error_code,
    providerMessageId: row.provider_message_id,
    conflictKinds: row.conflict_kinds,
    attemptCount: row.attempt_count,
    hasOpenDispute: row.has_open_dispute,
    createdAt: row.created_at,
  };
}

export type TMessageRecord = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  id: string;
  recipient: string;
  senderNumberId: string;
  senderDisplayNumber: string;
  senderLabel: string | null;
  senderPhoneNumberId: string;
  senderWabaId: string;
  contentKind: string;
  templateName: string | null;
  templateLanguage: string | null;
  templateCategory: string | null;
  requestPayload: Prisma.JsonValue;
  providerMessageId: string | null;
  state: TMessageState;
  stateReachedAt: Date;
  stateExplanation: string;
  conflictKinds: string[];
  rulesVersion: number;
  lastErrorCode: string | null;
  attemptCount: number;
  eventCount: number;
  headHash: string;
  createdAt: Date;
  updatedAt: Date;
};

/** The message with its sender and tenant, or null when the tenant has no such message. */
export async function findMessage(
  db: TDb | TDbTx,
  tenantId: string,
  messageId: string,
): Promise<TMessageRecord | null> {
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      tenant_name: string;
      id: string;
      recipient: string;
      sender_number_id: string;
      display_number: string;
      label: string | null;
      phone_number_id: string;
      waba_id: string;
      content_kind: string;
      template_name: string | null;
      template_language: string | null;
      template_category: string | null;
      request_payload: Prisma.JsonValue;
      provider_message_id: string | null;
      state: TMessageState;
      state_reached_at: Date;
      state_explanation: string;
      conflict_kinds: string[];
      rules_version: number;
      last_error_code: string | null;
      attempt_count: number;
      event_count: number;
      head_hash: string;
      created_at: Date;
      updated_at: Date;
    }[]
  >`
    SELECT m.tenant_id::text AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name, m.id::text AS id,
           m.recipient, m.sender_number_id::text AS sender_number_id, s.display_number, s.label,
           s.phone_number_id, s.waba_id, m.content_kind, m.template_name, m.template_language,
           m.template_category, m.request_payload, m.provider_message_id, m.state, m.state_reached_at,
           m.state_explanation, m.conflict_kinds, m.rules_version, m.last_error_code, m.attempt_count,
           m.event_count, m.head_hash, m.created_at, m.updated_at
    FROM message m
    JOIN tenant t ON t.id = m.tenant_id
    JOIN sender_number s ON s.tenant_id = m.tenant_id AND s.id = m.sender_number_id
    WHERE m.tenant_id = ${tenantId}::uuid AND m.id = ${messageId}::uuid`;
  const row = rows[0];
  if (!row) return null;
  return {
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    tenantName: row.tenant_name,
    id: row.id,
    recipient: row.recipient,
    senderNumberId: row.sender_number_id,
    senderDisplayNumber: row.display_number,
    senderLabel: row.label,
    senderPhoneNumberId: row.phone_number_id,
    senderWabaId: row.waba_id,
    contentKind: row.content_kind,
    templateName: row.template_name,
    templateLanguage: row.template_language,
    templateCategory: row.template_category,
    requestPayload: row.request_payload,
    providerMessageId: row.provider_message_id,
    state: row.state,
    stateReachedAt: row.state_reached_at,
    stateExplanation: row.state_explanation,
    conflictKinds: row.conflict_kinds,
    rulesVersion: row.rules_version,
    lastErrorCode: row.last_error_code,
    attemptCount: row.attempt_count,
    eventCount: row.event_count,
    headHash: row.head_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The recipient's digits, for the audited reveal; null when the tenant has no such message. */
export async function findRecipient(db: TDb | TDbTx, tenantId: string, messageId: string) {
  const message = await db.message.findUnique({
    where: { tenantId_id: { tenantId, id: messageId } },
    select: { recipient: true },
  });
  return message?.recipient ?? null;
}

/** Every wamid the message's attempts were given, by attempt. */
export function listProviderIds(db: TDb | TDbTx, tenantId: string, messageId: string) {
  return db.messageProviderId.findMany({
    where: { tenantId, messageId },
    select: { providerMessageId: true, attempt: true, createdAt: true },
    orderBy: [{ attempt: "asc" }, { createdAt: "asc" }],
  });
}

/** Columns of the ledger rows that are not part of the hashed event (sequence, raw webhook link). */
export function listEventColumns(db: TDb | TDbTx, tenantId: string, messageId: string) {
  return db.messageEvent.findMany({
    where: { tenantId, messageId },
    select: { seq: true, id: true, rawWebhookId: true },
    orderBy: { seq: "asc" },
  });
}

/** Every arrival of every fact of the message, oldest first. */
export function listReceipts(db: TDb | TDbTx, tenantId: string, messageId: string) {
  return db.messageEventReceipt.findMany({
    where: { tenantId, messageId },
    select: {
      eventId: true,
      dedupeKey: true,
      source: true,
      receivedAt: true,
      rawWebhookId: true,
      contentHash: true,
      isFirst: true,
    },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
  });
}

export type TLinkedRawWebhook = {
  id: string;
  receivedAt: Date;
  /** null once pruned by retention */
  body: Uint8Array | null;
  bodyBytes: number;
  bodySha256: string;
  headers: Prisma.JsonValue;
  signatureKeyIndex: number;
  bodyPrunedAt: Date | null;
  duplicateCount: number;
};

/**
 * The raw webhook requests that delivered this message's facts (any receipt, duplicates too).
 * webhook_inbox is a platform table (one request can carry several tenants' statuses): it is only
 * reached through this tenant's receipts. An empty list where ingestion is not installed.
 */
export async function listLinkedRawWebhooks(
  db: TDb | TDbTx,
  tenantId: string,
  messageId: string,
): Promise<TLinkedRawWebhook[]> {
  const [table] = await db.$queryRaw<{ exists: boolean }[]>`
    SELECT to_regclass('public.webhook_inbox') IS NOT NULL AS exists`;
  if (!table?.exists) return [];
  const rows = await db.$queryRaw<
    {
      id: string;
      received_at: Date;
      body: Uint8Array | null;
      body_bytes: number;
      body_sha256: string;
      headers: Prisma.JsonValue;
      signature_key_index: number;
      body_pruned_at: Date | null;
      duplicate_count: number;
    }[]
  >`
    SELECT w.id::text AS id, w.received_at, w.body, w.body_bytes, encode(w.body_sha256, 'hex') AS body_sha256,
           w.headers, w.signature_key_index, w.body_pruned_at, w.duplicate_count
    FROM webhook_inbox w
    WHERE w.id IN (SELECT r.raw_webhook_id FROM message_event_receipt r
                   WHERE r.tenant_id = ${tenantId}::uuid AND r.message_id = ${messageId}::uuid
                     AND r.raw_webhook_id IS NOT NULL)
    ORDER BY w.received_at, w.id`;
  return rows.map((row) => ({
    id: row.id,
    receivedAt: row.received_at,
    body: row.body,
    bodyBytes: row.body_bytes,
    bodySha256: row.body_sha256,
    headers: row.headers,
    signatureKeyIndex: row.signature_key_index,
    bodyPrunedAt: row.body_pruned_at,
    duplicateCount: row.duplicate_count,
  }));
}

/**
 * The tenant's WhatsApp account identifiers (every sender number it has, whatever its status):
 * what decides which parts of a batched raw webhook are the tenant's to see.
 */
export async function listTenantAccountIds(
  db: TDb | TDbTx,
  tenantId: string,
): Promise<{ phoneNumberIds: Set<string>; wabaIds: Set<string> }> {
  const rows = await db.senderNumber.findMany({
    where: { tenantId },
    select: { phoneNumberId: true, wabaId: true },
  });
  return {
    phoneNumberIds: new Set(rows.map((r) => r.phoneNumberId)),
    wabaIds: new Set(rows.map((r) => r.wabaId)),
  };
}

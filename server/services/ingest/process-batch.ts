// Processing of claimed raw requests, inside the caller's transaction (the one that claimed them
// with FOR UPDATE SKIP LOCKED): parse -> resolve tenants -> resolve wamids -> append ledger
// events per message -> park orphans -> sender health and templates -> quarantine -> results.
// Lookups and writes are set-based per batch (one query for all phone numbers, one for all
// wamids, one insert for all orphans, ...); the per-message cost is the ledger append itself.
// Everything commits with the rows' status change, or nothing does: a crash mid-batch leaves the
// rows pending and no trace of the attempt, so a request is processed exactly once in effect.
import type { TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";
import { parseWebhookBody, type TQuarantineReason, type TWebhookItem } from "@/server/ingest/parse-webhook";
import { resolveStalledAlertsForMoves } from "@/server/services/monitoring/alerts";
import { applySenderHealth, applyTemplate } from "./apply-account-updates";
import { applyContacts, type TContactWork } from "./apply-contacts";
import { applyStatuses } from "./apply-statuses";
import type {
  TClaimedRow,
  TDirectoryRow,
  TProcessingResult,
  TQuarantineItem,
  TResolvedStatus,
  TRowOutcome,
} from "./batch-types";
import type { CounterBag } from "./counters";
import { writeQuarantine } from "./quarantine";
import { lockStatusMessages, wamidKey, type TKnownWamid, type TStatusPair } from "./lock-status-messages";

export type { TClaimedRow, TProcessingResult, TRowOutcome } from "./batch-types";

function emptyResult(isReplay: boolean): TProcessingResult {
  return {
    statuses: { applied: 0, duplicate: 0, alreadyRecorded: 0, orphaned: 0, ignored: 0 },
    senderHealth: 0,
    templates: 0,
    ignored: {},
    quarantined: 0,
    isReplay,
  };
}

export type TProcessOptions = {
  /**
   * Leave pending (no outcome, nothing written) every row with a status for a message another
   * transaction holds, rather than wait for it (lock-status-messages.ts): for batches, where the
   * other drainers' batches are what holds them. A row processed alone waits.
   */
  deferBusyMessages?: boolean;
};

/**
 * Processes `rows` (claimed in the caller's transaction) and writes every effect in it. Returns
 * the outcome of each row it processed; the caller writes the row statuses and counters (also in
 * it). A row without an outcome was deferred (`deferBusyMessages`) and stays as it was claimed.
 */
export async function processClaimedRows(
  sql: TSql,
  rows: readonly TClaimedRow[],
  now: Date,
  counters: CounterBag,
  options: TProcessOptions = {},
): Promise<TRowOutcome[]> {
  const results = new Map(rows.map((row) => [row.id, emptyResult(row.processCount > 0)]));
  const tenantsOf = new Map(rows.map((row) => [row.id, new Set<string>()]));
  const quarantine: TQuarantineItem[] = [];
  const parsed: { row: TClaimedRow; items: TWebhookItem[] }[] = [];

  for (const row of rows) {
    if (row.body === null) {
      quarantine.push(
        wholeBody(row, "invalid_envelope", "the body was pruned (retention) before processing"),
      );
      continue;
    }
    const outcome = parseWebhookBody(row.body);
    if (!outcome.ok) {
      quarantine.push(wholeBody(row, outcome.reason, outcome.detail));
      continue;
    }
    parsed.push({ row, items: outcome.items });
  }

  const directory = await loadDirectory(
    sql,
    parsed.flatMap((p) => p.items),
  );
  const deferred = new Set<string>();
  let locked: Map<string, TKnownWamid> | undefined;
  if (options.deferBusyMessages) {
    const pairsOf = (items: readonly TWebhookItem[]) =>
      items.flatMap((item) => {
        const pair = statusPair(item, directory);
        return pair ? [pair] : [];
      });
    const rowPairs = parsed.map((p) => pairsOf(p.items));
    const pairs = new Map(rowPairs.flat().map((pair) => [wamidKey(pair.tenantId, pair.wamid), pair]));
    const { known, busy } = await lockStatusMessages(sql, [...pairs.values()]);
    locked = known;
    if (busy.size > 0) {
      parsed.forEach((p, i) => {
        if (rowPairs[i]!.some((pair) => busy.has(wamidKey(pair.tenantId, pair.wamid))))
          deferred.add(p.row.id);
      });
      parsed.splice(0, parsed.length, ...parsed.filter((p) => !deferred.has(p.row.id)));
    }
  }
  const statuses: TResolvedStatus[] = [];
  const healthWork: {
    row: TClaimedRow;
    item: Extract<TWebhookItem, { kind: "sender_health" }>;
    senders: TDirectoryRow[];
  }[] = [];
  const templateWork: {
    row: TClaimedRow;
    item: Extract<TWebhookItem, { kind: "template" }>;
    tenantId: string;
  }[] = [];

  const contactWork: TContactWork[] = [];

  for (const { row, items } of parsed) {
    const result = results.get(row.id)!;
    const tenants = tenantsOf.get(row.id)!;
    const q = (
      item: TWebhookItem,
      reason: TQuarantineReason,
      detail: string,
      phoneNumberId: string | null,
      tenantId: string | null,
    ) =>
      quarantine.push({
        rawWebhookId: row.id,
        itemPath: item.path,
        reason,
        detail,
        field:
          "field" in item && typeof item.field === "string"
            ? item.field
            : item.kind === "status"
              ? "messages"
              : null,
        phoneNumberId,
        wabaId: item.wabaId,
        item: item.kind === "invalid" ? item.item : itemJson(item),
        tenantId,
      });
    for (const item of items) {
      switch (item.kind) {
        case "status": {
          const entry = directory.byPhone.get(item.phoneNumberId);
          if (!entry) {
            q(
              item,
              "unknown_phone_number",
              `phone_number_id ${item.phoneNumberId} is not registered`,
              item.phoneNumberId,
              null,
            );
            break;
          }
          if (entry.waba_id !== item.wabaId) {
            q(
              item,
              "waba_mismatch",
              `phone_number_id ${item.phoneNumberId} belongs to WABA ${entry.waba_id}, not ${item.wabaId}`,
              item.phoneNumberId,
              null,
            );
            break;
          }
          tenants.add(entry.tenant_id);
          statuses.push({ row, item, tenantId: entry.tenant_id, senderNumberId: entry.sender_number_id });
          break;
        }
        case "status_ignored": {
          const entry = directory.byPhone.get(item.phoneNumberId);
          if (entry) tenants.add(entry.tenant_id);
          result.statuses.ignored += 1;
          counters.add("statuses_ignored", entry?.tenant_id ?? null);
          break;
        }
        case "sender_health": {
          const resolved = resolveHealthTarget(item, directory);
          if (!resolved.ok) {
            q(item, resolved.reason, resolved.detail, item.phoneNumberId, null);
            break;
          }
          for (const s of resolved.senders) tenants.add(s.tenant_id);
          healthWork.push({ row, item, senders: resolved.senders });
          break;
        }
        case "template": {
          const tenantIds = [...new Set((directory.byWaba.get(item.wabaId) ?? []).map((d) => d.tenant_id))];
          if (tenantIds.length !== 1) {
            q(
              item,
              tenantIds.length === 0 ? "unknown_waba" : "ambiguous_waba",
              tenantIds.length === 0
                ? `WABA ${item.wabaId} has no registered number`
                : `WABA ${item.wabaId} has numbers in ${tenantIds.length} tenants`,
              null,
              null,
            );
            break;
          }
          tenants.add(tenantIds[0]!);
          templateWork.push({ row, item, tenantId: tenantIds[0]! });
          break;
        }
        case "contact": {
          const entry = directory.byPhone.get(item.phoneNumberId);
          // a number Waybill does not send from: nothing of ours depends on its users
          if (!entry || entry.waba_id !== item.wabaId) {
            result.ignored[`contact:unknown_number`] = (result.ignored[`contact:unknown_number`] ?? 0) + 1;
            counters.add("items_ignored", null);
            break;
          }
          tenants.add(entry.tenant_id);
          contactWork.push({ item, tenantId: entry.tenant_id, senderNumberId: entry.sender_number_id });
          break;
        }
        case "ignored": {
          const key = item.reason === "unsupported_field" ? `field:${item.field}` : item.reason;
          result.ignored[key] = (result.ignored[key] ?? 0) + item.count;
          const tenantIds = [
            ...new Set((directory.byWaba.get(item.wabaId ?? "") ?? []).map((d) => d.tenant_id)),
          ];
          counters.add("items_ignored", tenantIds.length === 1 ? tenantIds[0]! : null, item.count);
          break;
        }
        case "invalid": {
          const entry = item.phoneNumberId ? directory.byPhone.get(item.phoneNumberId) : undefined;
          if (entry) tenants.add(entry.tenant_id);
          q(item, item.reason, item.detail, item.phoneNumberId, entry?.tenant_id ?? null);
          break;
        }
        default: {
          const unreachable: never = item;
          throw new Error(`unhandled webhook item ${JSON.stringify(unreachable)}`);
        }
      }
    }
  }

  const moves = await applyStatuses(sql, statuses, results, now, counters, locked);
  await applyContacts(sql, contactWork, now);
  await resolveStalledAlertsForMoves(sql, moves, now);
  for (const work of healthWork) {
    results.get(work.row.id)!.senderHealth += await applySenderHealth(
      sql,
      work.row,
      work.item,
      work.senders,
      now,
      counters,
    );
  }
  for (const work of templateWork) {
    results.get(work.row.id)!.templates += await applyTemplate(
      sql,
      work.row,
      work.item,
      work.tenantId,
      now,
      counters,
    );
  }
  const kept = deferred.size > 0 ? rows.filter((row) => !deferred.has(row.id)) : rows;
  await writeQuarantine(sql, quarantine, kept, now, counters);

  return kept.map((row) => {
    const result = results.get(row.id)!;
    const own = quarantine.filter((q) => q.rawWebhookId === row.id);
    result.quarantined = own.length;
    return {
      id: row.id,
      status: own.length > 0 ? "quarantined" : "processed",
      tenantIds: [...tenantsOf.get(row.id)!].sort(),
      result,
    };
  });
}

/** A status item's (tenant, wamid), when its number resolves as the batch will resolve it. */
function statusPair(
  item: TWebhookItem,
  directory: Awaited<ReturnType<typeof loadDirectory>>,
): TStatusPair | null {
  if (item.kind !== "status") return null;
  const entry = directory.byPhone.get(item.phoneNumberId);
  if (!entry || entry.waba_id !== item.wabaId) return null;
  return { tenantId: entry.tenant_id, wamid: item.status.providerMessageId };
}

function wholeBody(row: TClaimedRow, reason: TQuarantineReason, detail: string): TQuarantineItem {
  return {
    rawWebhookId: row.id,
    itemPath: "",
    reason,
    detail,
    field: null,
    phoneNumberId: null,
    wabaId: null,
    item: null,
    tenantId: null,
  };
}

function itemJson(item: TWebhookItem): unknown {
  switch (item.kind) {
    case "status":
      return { id: item.status.providerMessageId, status: item.status.status, ...item.status.fields };
    case "sender_health":
    case "template":
      return item.value;
    case "contact":
    case "status_ignored":
    case "ignored":
    case "invalid":
      return null;
    default: {
      const unreachable: never = item;
      return unreachable;
    }
  }
}

async function loadDirectory(sql: TSql, items: readonly TWebhookItem[]) {
  const phoneIds = new Set<string>();
  const wabaIds = new Set<string>();
  for (const item of items) {
    if ("phoneNumberId" in item && item.phoneNumberId) phoneIds.add(item.phoneNumberId);
    if (item.wabaId && (item.kind === "sender_health" || item.kind === "template" || item.kind === "ignored"))
      wabaIds.add(item.wabaId);
  }
  const rows =
    phoneIds.size + wabaIds.size === 0
      ? []
      : await sqlTemplate(sql)<TDirectoryRow>`
          SELECT d.phone_number_id, d.tenant_id::text AS tenant_id, d.sender_number_id::text AS sender_number_id,
                 d.waba_id, s.display_number
          FROM phone_number_directory d
          JOIN sender_number s ON s.tenant_id = d.tenant_id AND s.id = d.sender_number_id
          WHERE d.phone_number_id = ANY(${[...phoneIds]}::text[]) OR d.waba_id = ANY(${[...wabaIds]}::text[])`;
  const byPhone = new Map(rows.map((r) => [r.phone_number_id, r]));
  const byWaba = new Map<string, TDirectoryRow[]>();
  for (const row of rows) byWaba.set(row.waba_id, [...(byWaba.get(row.waba_id) ?? []), row]);
  return { byPhone, byWaba };
}

function resolveHealthTarget(
  item: Extract<TWebhookItem, { kind: "sender_health" }>,
  directory: Awaited<ReturnType<typeof loadDirectory>>,
): { ok: true; senders: TDirectoryRow[] } | { ok: false; reason: TQuarantineReason; detail: string } {
  const ofWaba = directory.byWaba.get(item.wabaId) ?? [];
  switch (item.field) {
    case "messages.errors": {
      const entry = item.phoneNumberId ? directory.byPhone.get(item.phoneNumberId) : undefined;
      if (!entry)
        return {
          ok: false,
          reason: "unknown_phone_number",
          detail: `phone_number_id ${item.phoneNumberId} is not registered`,
        };
      return { ok: true, senders: [entry] };
    }
    case "phone_number_quality_update":
    case "phone_number_name_update": {
      if (ofWaba.length === 0)
        return { ok: false, reason: "unknown_waba", detail: `WABA ${item.wabaId} has no registered number` };
      const matches = ofWaba.filter((d) => d.display_number === `+${item.displayPhoneNumber}`);
      if (matches.length === 0)
        return {
          ok: false,
          reason: "unknown_sender",
          detail: `no number +${item.displayPhoneNumber} in WABA ${item.wabaId}`,
        };
      if (matches.length > 1)
        return {
          ok: false,
          reason: "ambiguous_waba",
          detail: `+${item.displayPhoneNumber} is registered more than once`,
        };
      return { ok: true, senders: matches };
    }
    case "account_update":
    case "business_capability_update": {
      if (ofWaba.length === 0)
        return { ok: false, reason: "unknown_waba", detail: `WABA ${item.wabaId} has no registered number` };
      const tenants = new Set(ofWaba.map((d) => d.tenant_id));
      if (tenants.size > 1)
        return {
          ok: false,
          reason: "ambiguous_waba",
          detail: `WABA ${item.wabaId} has numbers in ${tenants.size} tenants`,
        };
      return { ok: true, senders: ofWaba };
    }
    default: {
      const unreachable: never = item.field;
      return unreachable;
    }
  }
}

/**
 * Statuses: known wamid -> the ledger, with the attempt that wamid was given; unknown -> orphan.
 * Unknown wamids are looked up again under their advisory locks (see orphans.ts), so a send
 * response committing meanwhile is either seen here or sees the orphan.
 */

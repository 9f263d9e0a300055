// Evidence export for a disputed message: one self-verifying JSON bundle (format and checks in
// evidence-verify.ts) and a printable HTML summary that embeds it. Read in one REPEATABLE READ
// transaction so the events, receipts, head hash and disputes are one consistent snapshot, and
// audited (message.evidence_exported): the bundle holds the recipient's number.
import { possibleDuplicate } from "@/server/domain/reconciliation/possible-duplicate";
import { Buffer } from "node:buffer";
import type { TDb } from "@/server/db/client";
import { listMessageDisputes } from "@/server/db/queries/disputes";
import { findMessage, listEventColumns, listProviderIds, listReceipts } from "@/server/db/queries/messages";
import { GENESIS_HASH, HASH_SCHEME } from "@/server/domain/ledger/hash-chain";
import { pickEventFields } from "@/server/domain/ledger/ledger-event";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import { CURRENT_RULES, RULE_SUMMARIES } from "@/server/domain/reconciliation/rules";
import { actorLabel, type TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";
import { loadChain, verifyMessageChain } from "@/server/services/ledger/read-ledger";
import { listTenantRawWebhooks, type TTenantRawWebhook } from "@/server/services/tenant-raw-webhooks";
import { renderEvidenceHtml } from "./evidence-html";
import {
  digestBundle,
  EVIDENCE_FORMAT,
  type TEvidenceBundle,
  type TEvidenceBundleContent,
} from "./evidence-verify";

export type TExportEvidenceInput = {
  tenantId: string;
  messageId: string;
  /** raw webhook bodies are included only for roles holding message.view_raw */
  includeRawBodies: boolean;
  now: Date;
  ip: string | null;
};

export type TEvidenceExport = {
  fileName: string;
  json: string;
  htmlFileName: string;
  html: string;
  bundleSha256: string;
  headHash: string;
  eventCount: number;
};

const iso = (date: Date) => date.toISOString();

/** Builds the bundle and its HTML summary, and audits the export. */
export async function exportEvidence(
  db: TDb,
  actor: TActor,
  input: TExportEvidenceInput,
): Promise<TEvidenceExport> {
  const { tenantId, messageId } = input;
  const bundle = await db.$transaction(
    async (tx) => {
      const message = await findMessage(tx, tenantId, messageId);
      if (!message) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
      // one after another: an interactive transaction is one connection
      const chain = await loadChain(tx, tenantId, messageId);
      const check = await verifyMessageChain(tx, tenantId, messageId);
      const columns = await listEventColumns(tx, tenantId, messageId);
      const receipts = await listReceipts(tx, tenantId, messageId);
      const providerIds = await listProviderIds(tx, tenantId, messageId);
      const rawWebhooks = await listTenantRawWebhooks(tx, tenantId, messageId);
      const disputes = await listMessageDisputes(tx, tenantId, messageId);
      const derived = deriveState(chain, CURRENT_RULES);
      const columnById = new Map(columns.map((c) => [c.id, c]));
      const seqOf = (id: string) => columnById.get(id)?.seq ?? 0;
      const seqByKey = new Map(chain.map((e) => [e.dedupeKey, seqOf(e.id)]));
      const eventSeqsByWebhook = new Map<string, Set<number>>();
      for (const r of receipts) {
        if (!r.rawWebhookId) continue;
        const set = eventSeqsByWebhook.get(r.rawWebhookId) ?? new Set<number>();
        set.add(seqOf(r.eventId));
        eventSeqsByWebhook.set(r.rawWebhookId, set);
      }

      const content: TEvidenceBundleContent = {
        format: EVIDENCE_FORMAT,
        generatedAt: iso(input.now),
        generatedBy: actorLabel(actor),
        tenant: { id: tenantId, slug: message.tenantSlug, name: message.tenantName },
        message: {
          id: message.id,
          recipient: `+${message.recipient}`,
          sender: {
            id: message.senderNumberId,
            displayNumber: message.senderDisplayNumber,
            label: message.senderLabel,
            phoneNumberId: message.senderPhoneNumberId,
            wabaId: message.senderWabaId,
          },
          contentKind: message.contentKind,
          template: message.templateName
            ? {
                name: message.templateName,
                language: message.templateLanguage,
                category: message.templateCategory,
              }
            : null,
          providerMessageIds: providerIds.map((p) => ({
            providerMessageId: p.providerMessageId,
            attempt: p.attempt,
            createdAt: iso(p.createdAt),
          })),
          createdAt: iso(message.createdAt),
        },
        request: { payload: toJson(message.requestPayload) },
        responses: chain
          .filter((e) => e.type === "provider_accepted" || e.type === "provider_rejected")
          .map((e) => ({
            seq: seqOf(e.id),
            type: e.type,
            attempt: "attempt" in e ? e.attempt : null,
            providerMessageId: "providerMessageId" in e ? e.providerMessageId : null,
            error: "error" in e ? toJson(e.error) : null,
            recordedAt: iso(new Date(e.recordedAt)),
          })),
        ledger: {
          hashScheme: HASH_SCHEME,
          genesisHash: GENESIS_HASH,
          anchoredHeadHash: message.headHash,
          events: chain.map((event) => ({
            seq: seqOf(event.id),
            // exactly the hashed content: what verifyChain recomputes
            event: toJson(pickEventFields(event)),
            prevHash: event.prevHash,
            hash: event.hash,
            rawWebhookId: columnById.get(event.id)?.rawWebhookId ?? null,
            receipts: receipts
              .filter((r) => r.eventId === event.id)
              .map((r) => ({
                receivedAt: iso(r.receivedAt),
                source: r.source,
                rawWebhookId: r.rawWebhookId,
                contentHash: r.contentHash,
                isFirst: r.isFirst,
              })),
          })),
        },
        rawWebhooks: rawWebhooks.map((w) => ({
          id: w.id,
          receivedAt: iso(w.receivedAt),
          // the whole request's digest and signature header, also when only a slice is included:
          // the platform's copy of the request proves the slice (evidence:verify --platform-copy)
          bodySha256: w.bodySha256,
          bodyBytes: w.bodyBytes,
          ...rawBodyFields(w, input.includeRawBodies),
          headers: toJson(w.headers),
          // only requests whose signature verified are stored (ingestion's contract)
          signature: {
            header: w.signatureHeader,
            verifiedAtReceipt: true,
            keyIndex: w.signatureKeyIndex,
          },
          eventSeqs: [...(eventSeqsByWebhook.get(w.id) ?? [])].sort((a, b) => a - b),
        })),
        derivation: {
          rulesVersion: derived.rulesVersion,
          state: derived.state,
          explanation: derived.explanation,
          possibleDuplicate: possibleDuplicate(derived.conflicts.map((c) => c.kind)),
          decider: derived.decider
            ? {
                dedupeKey: derived.decider.dedupeKey,
                type: derived.decider.type,
                attempt: derived.decider.attempt,
                seq: seqByKey.get(derived.decider.dedupeKey) ?? null,
              }
            : null,
          conflicts: derived.conflicts.map((c) => ({
            kind: c.kind,
            rule: c.rule,
            attempt: c.attempt,
            dedupeKeys: [...c.dedupeKeys],
            resolution: c.resolution,
          })),
          appliedRules: derived.appliedRules.map((rule) => ({ rule, summary: RULE_SUMMARIES[rule] })),
          transitions: derived.transitions.map((t) => ({
            from: t.from,
            to: t.to,
            type: t.fact.type,
            dedupeKey: t.fact.dedupeKey,
            seq: seqByKey.get(t.fact.dedupeKey) ?? null,
          })),
          stored: {
            state: message.state,
            explanation: message.stateExplanation,
            rulesVersion: message.rulesVersion,
          },
        },
        interventions: chain
          .filter((e) => e.source === "operator")
          .map((e) => ({
            seq: seqOf(e.id),
            type: e.type,
            actor: "actor" in e ? e.actor : null,
            action: e.type === "manual_action" ? e.action : null,
            reason: "reason" in e ? e.reason : null,
            note: e.type === "annotation" ? e.note : null,
            recordedAt: iso(new Date(e.recordedAt)),
          })),
        disputes: disputes.map((d) => ({
          id: d.id,
          ticketRef: d.ticketRef,
          status: d.status,
          outcome: d.outcome,
          outcomeSummary: d.outcomeSummary,
          openedBy: d.openedBy,
          openedAt: iso(d.openedAt),
          resolvedBy: d.resolvedBy,
          resolvedAt: d.resolvedAt ? iso(d.resolvedAt) : null,
          notes: d.notes.map((n) => ({
            kind: n.kind,
            author: n.author,
            body: n.body,
            outcome: n.outcome,
            ledgerEventId: n.ledgerEventId,
            createdAt: iso(n.createdAt),
          })),
        })),
        chainCheckAtExport: check.ok
          ? { ok: true, headHash: check.headHash, brokenAt: null, reason: null }
          : { ok: false, headHash: null, brokenAt: check.brokenAt, reason: check.reason },
        verification: {
          command: `npm run waybill -- evidence:verify evidence-${message.id}.json`,
          notes: [
            "Checks run offline, with no database or secret: the bundle digest, the hash chain of every ledger event against the anchored head hash, the derived state re-derived from the events, and each included raw webhook body against its SHA-256.",
            `Each event's hash is SHA-256 over "${HASH_SCHEME}\\n" + the previous hash + "\\n" + the canonical JSON of the event (keys sorted by code unit, no whitespace); the first event links to ${GENESIS_HASH}.`,
            "A file rewritten with recomputed hashes verifies on its own: compare the head hash with the live system (npm run waybill -- ledger:verify --tenant <tenant> --message <id>) or an earlier export.",
          ],
        },
      };
      return { ...content, bundleSha256: digestBundle(content) } satisfies TEvidenceBundle;
    },
    { isolationLevel: "RepeatableRead" },
  );

  await recordAudit(db, {
    actor,
    action: "message.evidence_exported",
    tenantId,
    targetType: "message",
    targetId: messageId,
    ip: input.ip,
    data: {
      bundleSha256: bundle.bundleSha256,
      headHash: bundle.ledger.anchoredHeadHash,
      events: bundle.ledger.events.length,
      includesRawBodies: input.includeRawBodies,
    },
  });

  return {
    fileName: `evidence-${messageId}.json`,
    json: `${JSON.stringify(bundle, null, 2)}\n`,
    htmlFileName: `evidence-${messageId}.html`,
    html: renderEvidenceHtml(bundle),
    bundleSha256: bundle.bundleSha256,
    headHash: bundle.ledger.anchoredHeadHash,
    eventCount: bundle.ledger.events.length,
  };
}

/**
 * What of a raw body the bundle carries: the bytes when the request holds only this tenant's
 * entries, else the tenant's slice (other tenants' parts replaced by their SHA-256), or why none.
 */
function rawBodyFields(w: TTenantRawWebhook, includeRawBodies: boolean) {
  const none = (bodyOmitted: "pruned" | "not_permitted" | "unreadable") => ({
    bodyBase64: null,
    tenantSlice: null,
    bodyOmitted,
  });
  if (w.body.kind === "pruned") return none("pruned");
  if (!includeRawBodies) return none("not_permitted");
  switch (w.body.kind) {
    case "whole":
      return {
        bodyBase64: Buffer.from(w.body.bytes).toString("base64"),
        tenantSlice: null,
        bodyOmitted: null,
      };
    case "slice":
      return {
        bodyBase64: null,
        tenantSlice: { body: toJson(w.body.json), redactedParts: w.body.redactedParts },
        bodyOmitted: null,
      };
    case "unreadable":
      return none("unreadable");
    default: {
      const never: never = w.body;
      throw new Error(`unknown raw body ${String(never)}`);
    }
  }
}

/** A JSON-safe copy (Dates become ISO strings, undefined members go), as the file will hold it. */
function toJson(value: unknown): never {
  return JSON.parse(JSON.stringify(value ?? null)) as never;
}

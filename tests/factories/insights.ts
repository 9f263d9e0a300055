// Histories for number health and the heatmaps, shared by the tests and the demo seed: messages
// failing the way tenants meet it (131049 marketing cap, 131047 outside the 24-hour window, 131026
// undeliverable, 130472 experiment), and Meta's quality/limit/template webhooks, fed through the
// real ingestion (webhook_inbox -> drainInboxOnce) so history, sender columns and alerts are
// exactly what a live system would hold.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import { drainInboxOnce } from "@/server/services/ingest/process-inbox";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { drafts, UNDELIVERABLE } from "./ledger";
import { makeMessage, stories, wamidFor, type TMessageStep } from "./messages";
import { entry, envelope, otherFields } from "./webhooks";

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;

const error = (code: string, title: string): TLedgerError => ({ code, title, message: title, details: null });

export const INSIGHT_ERRORS = {
  undeliverable: UNDELIVERABLE,
  marketingCap: error("131049", "This message was not delivered to maintain healthy ecosystem engagement."),
  reengagement: error("131047", "Re-engagement message"),
  experiment: error("130472", "User's number is part of an experiment"),
} as const;

/** More ledger histories, as arrival steps from `t0` (when the message was requested). */
export const insightStories = {
  /** Accepted, sent, then failed with `failure` (an asynchronous error from a status webhook). */
  failedWith(t0: number, failure: TLedgerError, wamid = wamidFor("failed")): TMessageStep[] {
    return [
      { atMs: t0 + 300, drafts: [drafts.attemptStarted(1)] },
      { atMs: t0 + 1_000, drafts: [drafts.accepted(1, wamid)] },
      { atMs: t0 + 4 * S, drafts: [drafts.status("sent", wamid, t0 + 2 * S)] },
      { atMs: t0 + 20 * S, drafts: [drafts.failed(wamid, t0 + 17 * S, failure)] },
    ];
  },
  /** Refused synchronously with a permanent error (e.g. 131047) and dead-lettered at once. */
  refused(t0: number, failure: TLedgerError): TMessageStep[] {
    const refusal: TEventDraft = drafts.rejected(1, failure);
    const deadLetter: TEventDraft = drafts.deadLettered(
      1,
      `permanent error ${failure.code} (${failure.title}): not retried automatically`,
      failure,
    );
    return [
      { atMs: t0 + 300, drafts: [drafts.attemptStarted(1)] },
      { atMs: t0 + 800, drafts: [refusal, deadLetter] },
    ];
  },
  /** Delivered `latencyMs` after acceptance (provider time), then read a while later. */
  deliveredAfter(t0: number, latencyMs: number, wamid = wamidFor("delivered")): TMessageStep[] {
    const accepted = t0 + 1_000;
    const delivered = Math.floor((accepted + latencyMs) / S) * S + S;
    return [
      { atMs: t0 + 300, drafts: [drafts.attemptStarted(1)] },
      { atMs: accepted, drafts: [drafts.accepted(1, wamid)] },
      { atMs: accepted + 3 * S, drafts: [drafts.status("sent", wamid, accepted + 2 * S)] },
      { atMs: delivered + 2 * S, drafts: [drafts.status("delivered", wamid, delivered)] },
      { atMs: delivered + 20 * MIN, drafts: [drafts.status("read", wamid, delivered + 19 * MIN)] },
    ];
  },
  /** Accepted and never heard of again (stalled once past its threshold). */
  acceptedOnly(t0: number, wamid = wamidFor("quiet")): TMessageStep[] {
    return [
      { atMs: t0 + 300, drafts: [drafts.attemptStarted(1)] },
      { atMs: t0 + 1_000, drafts: [drafts.accepted(1, wamid)] },
    ];
  },
} as const;

/**
 * Stores Meta webhook bodies in the inbox as the route would (already verified) and processes
 * them with the worker's drain step, so their effects are exactly ingestion's.
 */
export async function ingestWebhookBodies(db: TDb, bodies: readonly unknown[], nowMs: number) {
  for (const body of bodies) {
    const bytes = Buffer.from(JSON.stringify(body));
    await db.webhookInbox.create({
      data: {
        id: crypto.randomUUID(),
        bodySha256: crypto.createHash("sha256").update(bytes).digest(),
        receivedAt: new Date(nowMs),
        body: bytes,
        bodyBytes: bytes.length,
        headers: { "content-type": "application/json", "user-agent": "waybill-demo-seed" },
        signatureKeyIndex: 0,
        availableAt: new Date(nowMs),
      },
    });
  }
  for (let i = 0; i < 20; i += 1) {
    const step = await drainInboxOnce(db, { batchSize: 50, maxAttempts: 3, now: () => new Date(nowMs) });
    if (step.claimed === 0) return;
  }
}

/** A phone_number_quality_update as Meta sends it (limits as Meta names them). */
export function qualityUpdate(displayNumber: string, event: string, limit: string, oldLimit?: string) {
  const change = otherFields.quality(displayNumber, event, limit);
  const value = change.value as Record<string, unknown>;
  return { ...change, value: oldLimit ? { ...value, old_limit: oldLimit } : value };
}

/** A message_template_status_update for a named template. */
export function templateStatus(templateId: number, name: string, event: string, category = "UTILITY") {
  return {
    field: "message_template_status_update",
    value: {
      event,
      message_template_id: templateId,
      message_template_name: name,
      message_template_language: "en_US",
      message_template_category: category,
      reason: "NONE",
    },
  };
}

/** A message_template_quality_update for a named template. */
export function templateQuality(templateId: number, name: string, from: string, to: string) {
  return {
    field: "message_template_quality_update",
    value: {
      previous_quality_score: from,
      new_quality_score: to,
      message_template_id: templateId,
      message_template_name: name,
      message_template_language: "en_US",
    },
  };
}

/** A deterministic PRNG (mulberry32), so the demo looks the same on every machine. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type TDemoInsightsTenants = {
  acme: { id: string; wabaId: string; support: string; promotions: string; promotionsNumber: string };
  globex: { id: string; wabaId: string; alerts: string; care: string };
};

/**
 * A few days of traffic for number health and the heatmaps: Acme Support healthy but for its
 * account's restriction; Acme Promotions (the troubled number) losing marketing messages to
 * 131049, some 131026, 130472 and 131047, with a spike this morning right after Meta flagged it,
 * and its limit lowered since, then flagged again and the account's business-initiated messaging
 * restricted for 12 hours (both Acme numbers hold their templates); Globex healthy with a little
 * 131026. Plus Meta's quality/limit history for +15550101002 and template statuses. Every message
 * goes through the ledger service, so the rollups hold them at once.
 */
export async function seedDemoInsights(db: TDb, tenants: TDemoInsightsTenants, nowMs: number) {
  const next = random(6);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  type TSpec = {
    tenantId: string;
    sender: string;
    template: string;
    category: string;
    steps: (t0: number) => TMessageStep[];
  };
  const specs: { t0: number; spec: TSpec }[] = [];
  const healthy = (t0: number) =>
    next() < 0.93
      ? insightStories.deliveredAfter(t0, pick([800, 1_600, 2_500, 4_000, 7_000, 14_000, 45_000]))
      : stories.failed131026(t0);
  let troubledCount = 0;
  const troubled = (t0: number) => {
    troubledCount += 1;
    // free-form text sent outside the 24-hour window now and then
    if (troubledCount % 9 === 4) return insightStories.refused(t0, INSIGHT_ERRORS.reengagement);
    const r = next();
    if (r < 0.45) return insightStories.deliveredAfter(t0, pick([2_000, 6_000, 20_000, 90_000, 400_000]));
    if (r < 0.7) return insightStories.failedWith(t0, INSIGHT_ERRORS.marketingCap);
    if (r < 0.8) return insightStories.failedWith(t0, INSIGHT_ERRORS.undeliverable);
    if (r < 0.88) return insightStories.failedWith(t0, INSIGHT_ERRORS.experiment);
    return stories.read(t0);
  };
  const days = 4;
  for (let hour = days * 24; hour >= 1; hour -= 1) {
    const base = nowMs - hour * H;
    const add = (count: number, spec: TSpec) => {
      for (let i = 0; i < count; i += 1) specs.push({ t0: base + Math.floor(next() * 55) * MIN, spec });
    };
    // business hours send more (UTC, roughly)
    const busy = new Date(base).getUTCHours() >= 8 && new Date(base).getUTCHours() < 20;
    if (hour % 4 === 0 || (busy && next() < 0.35)) {
      add(1, {
        tenantId: tenants.acme.id,
        sender: tenants.acme.support,
        template: pick(["order_update", "appointment_reminder", "login_code"]),
        category: "UTILITY",
        steps: healthy,
      });
    }
    if (hour % 4 === 2 || (busy && next() < 0.4)) {
      add(1, {
        tenantId: tenants.acme.id,
        sender: tenants.acme.promotions,
        template: "spring_sale",
        category: "MARKETING",
        steps: troubled,
      });
    }
    if (hour % 6 === 0) {
      add(1, {
        tenantId: tenants.globex.id,
        sender: pick([tenants.globex.alerts, tenants.globex.care]),
        template: pick(["outage_alert", "outage_resolved"]),
        category: "UTILITY",
        steps: healthy,
      });
    }
  }
  // the spike: a marketing blast this morning, right after Meta flagged the number
  const spike = nowMs - 9 * H;
  for (let i = 0; i < 14; i += 1) {
    specs.push({
      t0: spike + i * 3 * MIN,
      spec: {
        tenantId: tenants.acme.id,
        sender: tenants.acme.promotions,
        template: "spring_sale",
        category: "MARKETING",
        steps: (t0) =>
          i % 5 === 4
            ? insightStories.deliveredAfter(t0, 30_000)
            : insightStories.failedWith(t0, INSIGHT_ERRORS.marketingCap),
      },
    });
  }
  // free-form text outside the 24-hour window, and an experiment holdout, in the last hours
  for (const [ago, steps] of [
    [7 * H, (t0: number) => insightStories.refused(t0, INSIGHT_ERRORS.reengagement)],
    [4 * H, (t0: number) => insightStories.failedWith(t0, INSIGHT_ERRORS.experiment)],
    [2 * H, (t0: number) => insightStories.refused(t0, INSIGHT_ERRORS.reengagement)],
  ] as const) {
    specs.push({
      t0: nowMs - ago,
      spec: {
        tenantId: tenants.acme.id,
        sender: tenants.acme.promotions,
        template: "spring_sale",
        category: "MARKETING",
        steps,
      },
    });
  }
  // two messages Meta never reported on: the monitor flags them stalled
  for (const ago of [3 * H, 2 * H]) {
    specs.push({
      t0: nowMs - ago,
      spec: {
        tenantId: tenants.acme.id,
        sender: tenants.acme.promotions,
        template: "spring_sale",
        category: "MARKETING",
        steps: insightStories.acceptedOnly,
      },
    });
  }
  for (const { t0, spec } of specs) {
    await makeMessage(
      db,
      {
        tenantId: spec.tenantId,
        senderNumberId: spec.sender,
        templateName: spec.template,
        templateCategory: spec.category,
        createdAtMs: t0,
      },
      spec.steps(t0).filter((step) => step.atMs < nowMs),
    );
  }

  // Meta's side: the troubled number's limit raised, flagged, unflagged, lowered; templates
  const at = (ms: number) => nowMs - ms;
  const number = tenants.acme.promotionsNumber;
  await ingestWebhookBodies(
    db,
    [
      envelope([
        entry(tenants.acme.wabaId, [qualityUpdate(number, "UPGRADE", "TIER_1K", "TIER_250")], at(4 * DAY)),
      ]),
      envelope([entry(tenants.acme.wabaId, [qualityUpdate(number, "FLAGGED", "TIER_1K")], at(10 * H))]),
      envelope([entry(tenants.acme.wabaId, [qualityUpdate(number, "UNFLAGGED", "TIER_1K")], at(5 * H))]),
      envelope([
        entry(tenants.acme.wabaId, [qualityUpdate(number, "DOWNGRADE", "TIER_250", "TIER_1K")], at(3 * H)),
      ]),
      // flagged again this morning, then Meta restricted the account's business-initiated
      // messaging for half a day (a WABA-wide fact: both Acme numbers hold their templates)
      envelope([entry(tenants.acme.wabaId, [qualityUpdate(number, "FLAGGED", "TIER_250")], at(2 * H))]),
      envelope([
        entry(
          tenants.acme.wabaId,
          [
            otherFields.account("ACCOUNT_RESTRICTION", {
              restriction_info: [
                {
                  restriction_type: "RESTRICTED_BIZ_INITIATED_MESSAGING",
                  expiration: Math.floor((nowMs + 12 * H) / 1000),
                },
              ],
            }),
          ],
          at(1 * H),
        ),
      ]),
      envelope([
        entry(
          tenants.acme.wabaId,
          [
            templateStatus(700100, "order_update", "APPROVED"),
            templateStatus(700101, "appointment_reminder", "APPROVED"),
            templateStatus(700102, "login_code", "APPROVED", "AUTHENTICATION"),
            templateStatus(700103, "spring_sale", "APPROVED", "MARKETING"),
          ],
          at(6 * DAY),
        ),
      ]),
      envelope([
        entry(tenants.acme.wabaId, [templateQuality(700103, "spring_sale", "GREEN", "YELLOW")], at(8 * H)),
      ]),
      envelope([
        entry(
          tenants.globex.wabaId,
          [
            templateStatus(800100, "outage_alert", "APPROVED"),
            templateStatus(800101, "outage_resolved", "APPROVED"),
          ],
          at(6 * DAY),
        ),
      ]),
    ],
    nowMs,
  );
  return specs.length;
}

// The simulator's webhook sender: status updates wait until they are due, then go out batched
// like Meta batches them (several statuses per change, sometimes several WABAs' entries per
// POST), signed with the app secret (X-Hub-Signature-256 over the exact bytes), and re-delivered
// with backoff when Waybill does not answer 200.
import crypto from "node:crypto";
import type { TLogger } from "@/server/platform/logger";
import type { TWebhookChange, TWebhookPayload, TWebhookStatus } from "../whatsapp-cloud/wire";

export type TOutboxSettings = {
  batchWindowMs: number;
  maxStatusesPerPost: number;
  multiEntryRate: number;
  retries: number;
  retryBaseMs: number;
};

export type TOutboxStats = {
  posts: number;
  statusesPosted: number;
  otherChangesPosted: number;
  failedPosts: number;
  retriedPosts: number;
  abandonedPosts: number;
  pendingItems: number;
  pendingPosts: number;
};

type TItem =
  | {
      kind: "status";
      wabaId: string;
      phoneNumberId: string;
      displayPhoneNumber: string;
      status: TWebhookStatus;
      deliverAt: number;
    }
  | { kind: "change"; wabaId: string; change: TWebhookChange; deliverAt: number };

type TPost = { body: string; tries: number; dueAt: number; items: number };

const MAX_CONCURRENT_POSTS = 8;

export function signWebhookBody(body: string, appSecret: string): string {
  return `sha256=${crypto.createHmac("sha256", appSecret).update(body, "utf8").digest("hex")}`;
}

export function createWebhookOutbox(options: {
  url: () => string;
  appSecret: string;
  settings: () => TOutboxSettings;
  /** While true (a "webhooks down" outage), nothing is posted; items wait. */
  isPaused: () => boolean;
  now: () => number;
  random: () => number;
  log: TLogger;
  fetch?: typeof fetch;
}) {
  const doFetch = options.fetch ?? fetch;
  let items: TItem[] = [];
  let posts: TPost[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | null = null;
  const stats: Omit<TOutboxStats, "pendingItems" | "pendingPosts"> = {
    posts: 0,
    statusesPosted: 0,
    otherChangesPosted: 0,
    failedPosts: 0,
    retriedPosts: 0,
    abandonedPosts: 0,
  };

  const buildPosts = (due: TItem[]) => {
    const { maxStatusesPerPost, multiEntryRate } = options.settings();
    // group by WABA, then by number: one entry per WABA, one change per number
    const byWaba = new Map<string, TItem[]>();
    for (const item of due) byWaba.set(item.wabaId, [...(byWaba.get(item.wabaId) ?? []), item]);
    const entries: TWebhookPayload["entry"][] = [];
    for (const [wabaId, wabaItems] of byWaba) {
      const changes: TWebhookChange[] = [];
      const byNumber = new Map<string, Extract<TItem, { kind: "status" }>[]>();
      for (const item of wabaItems) {
        if (item.kind === "change") changes.push(item.change);
        else byNumber.set(item.phoneNumberId, [...(byNumber.get(item.phoneNumberId) ?? []), item]);
      }
      for (const [phoneNumberId, numberItems] of byNumber) {
        for (let i = 0; i < numberItems.length; i += maxStatusesPerPost) {
          const chunk = numberItems.slice(i, i + maxStatusesPerPost);
          changes.push({
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: {
                display_phone_number: chunk[0]!.displayPhoneNumber,
                phone_number_id: phoneNumberId,
              },
              statuses: chunk.map((c) => c.status),
            },
          });
        }
      }
      // one POST per change normally; Meta also batches several changes and entries together
      for (const change of changes) entries.push([{ id: wabaId, changes: [change] }]);
    }
    // merge some entries into multi-entry POSTs
    const merged: TWebhookPayload["entry"][] = [];
    for (const entry of entries) {
      const last = merged.at(-1);
      if (last && options.random() < multiEntryRate) last.push(...entry);
      else merged.push([...entry]);
    }
    for (const entry of merged) {
      const payload: TWebhookPayload = { object: "whatsapp_business_account", entry };
      const count = entry.reduce(
        (sum, e) =>
          sum + e.changes.reduce((s, c) => s + (c.field === "messages" ? c.value.statuses.length : 1), 0),
        0,
      );
      posts.push({ body: JSON.stringify(payload), tries: 0, dueAt: options.now(), items: count });
    }
  };

  const deliver = async (post: TPost) => {
    inFlight += 1;
    post.tries += 1;
    let status = 0;
    try {
      const response = await doFetch(options.url(), {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "facebookexternalua",
          "X-Hub-Signature-256": signWebhookBody(post.body, options.appSecret),
        },
        body: post.body,
        signal: AbortSignal.timeout(20_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      options.log.debug({ err: error }, "webhook post failed");
    } finally {
      inFlight -= 1;
    }
    if (status === 200) {
      stats.posts += 1;
      const payload = JSON.parse(post.body) as TWebhookPayload;
      for (const entry of payload.entry) {
        for (const change of entry.changes) {
          if (change.field === "messages") stats.statusesPosted += change.value.statuses.length;
          else stats.otherChangesPosted += 1;
        }
      }
      return;
    }
    stats.failedPosts += 1;
    const { retries, retryBaseMs } = options.settings();
    if (post.tries > retries) {
      stats.abandonedPosts += 1;
      options.log.warn({ status, tries: post.tries }, "webhook abandoned after its retries");
      return;
    }
    stats.retriedPosts += 1;
    // Meta re-delivers with increasing delays (for up to 7 days); the same bytes, the same signature
    post.dueAt = options.now() + Math.min(60_000, retryBaseMs * 2 ** (post.tries - 1));
    posts.push(post);
  };

  const tick = () => {
    if (options.isPaused()) return;
    const now = options.now();
    const due = items.filter((i) => i.deliverAt <= now);
    if (due.length > 0) {
      items = items.filter((i) => i.deliverAt > now);
      buildPosts(due);
    }
    // a few POSTs at a time, oldest first, like a sender that respects its receiver
    const ready = posts.filter((p) => p.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    const sending = new Set(ready.slice(0, Math.max(0, MAX_CONCURRENT_POSTS - inFlight)));
    posts = posts.filter((p) => !sending.has(p));
    for (const post of sending) void deliver(post);
  };

  return {
    addStatus(item: Omit<Extract<TItem, { kind: "status" }>, "kind">) {
      items.push({ kind: "status", ...item });
    },
    addChange(wabaId: string, change: TWebhookChange, deliverAt: number) {
      items.push({ kind: "change", wabaId, change, deliverAt });
    },
    start() {
      const loop = () => {
        tick();
        timer = setTimeout(loop, options.settings().batchWindowMs);
      };
      timer = setTimeout(loop, options.settings().batchWindowMs);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
    /** Makes everything pending due now (tests). */
    flush() {
      const now = options.now();
      items = items.map((i) => ({ ...i, deliverAt: Math.min(i.deliverAt, now) }));
      posts = posts.map((p) => ({ ...p, dueAt: Math.min(p.dueAt, now) }));
      tick();
    },
    clear() {
      items = [];
      posts = [];
      for (const key of Object.keys(stats) as (keyof typeof stats)[]) stats[key] = 0;
    },
    stats(): TOutboxStats {
      return { ...stats, pendingItems: items.length, pendingPosts: posts.length + inFlight };
    },
  };
}

export type TWebhookOutbox = ReturnType<typeof createWebhookOutbox>;

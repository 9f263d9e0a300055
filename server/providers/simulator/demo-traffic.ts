// Demo traffic: the simulator plays the seeded tenants' backends, sending steady, realistic
// messages through Waybill's own tenant REST API with the demo API keys, so every console page
// has something true to show. The troubled number also gets bursts (its scenario answers
// 130429 above a few messages per second) and some recipients are not on WhatsApp.
import crypto from "node:crypto";
import type { TLogger } from "@/server/platform/logger";
import { DEMO_UNDELIVERABLE_PREFIX } from "./demo-config";

export type TDemoTenantKey = { tenant: string; apiKey: string };

type TSender = { id: string; displayNumber: string; label: string | null };

const TEMPLATES = [
  {
    name: "order_update",
    category: "utility",
    params: () => [`#${crypto.randomInt(10_000, 99_999)}`, pick(["Monday", "Tuesday", "Friday"])],
  },
  {
    name: "delivery_notice",
    category: "utility",
    params: () => [pick(["09:00-12:00", "13:00-17:00"]), `PK${crypto.randomInt(1_000_000, 9_999_999)}`],
  },
  {
    name: "appointment_reminder",
    category: "utility",
    params: () => [pick(["Dr. Lee", "Dr. Patel"]), pick(["10:30", "14:15"])],
  },
  {
    name: "login_code",
    category: "authentication",
    params: () => [String(crypto.randomInt(100_000, 999_999))],
  },
  { name: "weekend_promo", category: "marketing", params: () => [pick(["20%", "30%"])] },
] as const;

const TEXTS = [
  "Thanks for your message, an agent will reply shortly.",
  "Your ticket has been updated. Reply STOP to opt out.",
  "We received your return. Refunds take 3-5 business days.",
];

function pick<T>(items: readonly T[]): T {
  return items[crypto.randomInt(0, items.length)]!;
}

/** Parses WAYBILL_SIMULATOR_DEMO_API_KEYS: "acme=wbk_...,globex=wbk_...". */
export function parseDemoKeys(value: string): TDemoTenantKey[] {
  return value
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const [tenant, apiKey] = pair.split("=", 2);
      if (!tenant || !apiKey) throw new Error(`WAYBILL_SIMULATOR_DEMO_API_KEYS: "${pair}" is not tenant=key`);
      return { tenant, apiKey };
    });
}

export function startDemoTraffic(options: {
  waybillUrl: string;
  keys: readonly TDemoTenantKey[];
  ratePerSecond: number;
  /** Display number of the troubled number (it also gets bursts). */
  troubledDisplayNumber: string | null;
  log: TLogger;
}) {
  const base = options.waybillUrl.replace(/\/+$/, "");
  const senders = new Map<string, TSender[]>();
  const recipients = new Map<string, string[]>();
  const counts = { requested: 0, refused: 0, unreachable: 0 };
  let isStopped = false;
  const timers: NodeJS.Timeout[] = [];

  for (const { tenant } of options.keys) {
    // a stable pool of customers per tenant, a few of them not on WhatsApp
    const pool = Array.from({ length: 250 }, (_, i) =>
      i % 40 === 0
        ? `${DEMO_UNDELIVERABLE_PREFIX}${String(crypto.randomInt(0, 1000)).padStart(3, "0")}`
        : `1555${String(crypto.randomInt(0, 10_000_000)).padStart(7, "0")}`,
    );
    recipients.set(tenant, pool);
  }

  const loadSenders = async (key: TDemoTenantKey): Promise<TSender[] | null> => {
    const cached = senders.get(key.tenant);
    if (cached) return cached;
    try {
      const response = await fetch(`${base}/api/v1/tenant`, {
        headers: { Authorization: `Bearer ${key.apiKey}` },
      });
      if (!response.ok) return null;
      const body = (await response.json()) as { senderNumbers: TSender[] };
      senders.set(key.tenant, body.senderNumbers);
      return body.senderNumbers;
    } catch {
      return null;
    }
  };

  const sendOne = async (key: TDemoTenantKey, sender: TSender) => {
    const to = `+${pick(recipients.get(key.tenant) ?? ["15551230000"])}`;
    const isText = crypto.randomInt(0, 10) === 0;
    const template = pick(TEMPLATES);
    const body = isText
      ? { from: sender.id, to, type: "text", text: { body: pick(TEXTS) } }
      : {
          from: sender.id,
          to,
          type: "template",
          template: {
            name: template.name,
            language: "en_US",
            category: template.category,
            bodyParameters: template.params(),
          },
          metadata: { source: "demo-traffic" },
        };
    try {
      const response = await fetch(`${base}/api/v1/messages`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${key.apiKey}`,
          "Content-Type": "application/json",
          "Idempotency-Key": crypto.randomUUID(),
        },
        body: JSON.stringify(body),
      });
      await response.body?.cancel();
      if (response.status === 202) counts.requested += 1;
      else {
        counts.refused += 1;
        options.log.warn({ tenant: key.tenant, status: response.status }, "demo traffic: request refused");
      }
    } catch {
      counts.unreachable += 1;
    }
  };

  const tick = async () => {
    if (isStopped || options.keys.length === 0) return;
    // Acme is the busier tenant
    const key = options.keys.length > 1 && crypto.randomInt(0, 10) < 4 ? options.keys[1]! : options.keys[0]!;
    const list = await loadSenders(key);
    if (!list || list.length === 0) return;
    await sendOne(key, pick(list));
  };

  const burst = async () => {
    if (isStopped || !options.troubledDisplayNumber) return;
    for (const key of options.keys) {
      const sender = (await loadSenders(key))?.find((s) => s.displayNumber === options.troubledDisplayNumber);
      if (!sender) continue;
      options.log.info(
        { tenant: key.tenant, sender: sender.displayNumber },
        "demo traffic: a burst to the troubled number",
      );
      await Promise.all(Array.from({ length: 30 }, () => sendOne(key, sender)));
    }
  };

  const interval = Math.max(1, Math.round(1000 / options.ratePerSecond));
  timers.push(setInterval(() => void tick(), interval));
  timers.push(setInterval(() => void burst(), 120_000));
  timers.push(
    setInterval(() => {
      if (counts.requested + counts.refused + counts.unreachable === 0) return;
      options.log.info(counts, "demo traffic in the last minute");
      counts.requested = 0;
      counts.refused = 0;
      counts.unreachable = 0;
    }, 60_000),
  );
  // the first burst soon after start, so the throttling is visible right away
  timers.push(setTimeout(() => void burst(), 20_000));

  return {
    stop() {
      isStopped = true;
      for (const timer of timers) clearInterval(timer);
    },
  };
}

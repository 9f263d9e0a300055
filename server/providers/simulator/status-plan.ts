// What happens to an accepted message afterwards: which status webhooks Meta would send, with
// which provider timestamps, and when (and how many times, in which order) they arrive. Pure:
// the random source and the acceptance time are arguments.
import { lookupErrorCode } from "@/server/domain/sending/error-catalog";
import { ERROR_DOCS_HREF, type TWebhookStatus } from "../whatsapp-cloud/wire";
import type { TScenario } from "./scenario";

export type TPlannedStatus = {
  status: TWebhookStatus;
  /** When the simulator posts it (epoch ms). */
  deliverAt: number;
};

export type TAcceptedMessage = {
  wamid: string;
  recipient: string;
  callbackData: string | null;
  /** marketing, utility, authentication or service: the pricing category. */
  category: string;
  /** Meta's pricing type, decided once per message: every priced status carries the same. */
  pricingType: TPricingType;
  acceptedAt: number;
};

type TOutcome = keyof TScenario["outcomes"];

export type TPricingType = "regular" | "free_customer_service" | "free_entry_point";

/**
 * Meta's pricing type under per-message pricing: a free-form (service) message can only be sent
 * inside the customer service window, so it is `free_customer_service`; a template opened from a
 * free entry point (an ad or a Page button) is `free_entry_point`; the rest is `regular`. Only
 * `regular` is billable.
 */
export function pickPricingType(category: string, scenario: TScenario, random: () => number): TPricingType {
  if (category === "service") return "free_customer_service";
  return random() < scenario.freeEntryPointRate ? "free_entry_point" : "regular";
}

export function pickOutcome(outcomes: TScenario["outcomes"], random: () => number): TOutcome {
  const entries = Object.entries(outcomes) as [TOutcome, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) return "sent";
  let roll = random() * total;
  for (const [outcome, weight] of entries) {
    if (roll < weight) return outcome;
    roll -= weight;
  }
  return entries.at(-1)![0];
}

export function between(range: { min: number; max: number }, random: () => number): number {
  return Math.round(range.min + random() * (range.max - range.min));
}

export function planStatuses(
  message: TAcceptedMessage,
  scenario: TScenario,
  random: () => number,
): TPlannedStatus[] {
  const outcome = pickOutcome(scenario.outcomes, random);
  const sentAt = message.acceptedAt + between(scenario.statusDelayMs.sent, random);
  const deliveredAt = sentAt + between(scenario.statusDelayMs.delivered, random);
  const readAt = deliveredAt + between(scenario.statusDelayMs.read, random);
  const conversationId = Buffer.from(`${message.wamid}:conversation`).toString("hex").slice(0, 32);
  const timeline: { status: TWebhookStatus["status"]; at: number }[] = [];
  switch (outcome) {
    case "failed":
      // some failures follow a sent (e.g. 131049 decided after dispatch), most come alone
      if (random() < 0.3) timeline.push({ status: "sent", at: sentAt });
      timeline.push({ status: "failed", at: deliveredAt });
      break;
    case "sent":
      timeline.push({ status: "sent", at: sentAt });
      break;
    case "delivered":
      timeline.push({ status: "sent", at: sentAt }, { status: "delivered", at: deliveredAt });
      break;
    case "read":
      timeline.push({ status: "sent", at: sentAt });
      // Meta: when delivery and read happen together, no delivered webhook is sent
      if (random() >= scenario.readWithoutDeliveredRate)
        timeline.push({ status: "delivered", at: deliveredAt });
      timeline.push({ status: "read", at: readAt });
      break;
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }

  const statuses = timeline.map(({ status, at }) =>
    buildStatus(message, status, at, conversationId, scenario, random),
  );
  const extraDelay = () => between(scenario.webhookDelayMs, random);
  let deliverTimes = timeline.map(({ at }) => at + extraDelay());
  if (random() < scenario.reorderRate && deliverTimes.length > 1) {
    // the same moments, handed out in reverse: the webhooks arrive out of order
    deliverTimes = [...deliverTimes].sort((a, b) => a - b).reverse();
  }
  const planned: TPlannedStatus[] = [];
  statuses.forEach((status, i) => {
    if (random() < scenario.dropRate) return;
    const deliverAt = deliverTimes[i]!;
    planned.push({ status, deliverAt });
    if (random() < scenario.duplicateRate)
      planned.push({ status, deliverAt: deliverAt + 1_000 + between({ min: 0, max: 4_000 }, random) });
  });
  return planned;
}

function buildStatus(
  message: TAcceptedMessage,
  status: TWebhookStatus["status"],
  atMs: number,
  conversationId: string,
  scenario: TScenario,
  random: () => number,
): TWebhookStatus {
  const base: TWebhookStatus = {
    id: message.wamid,
    status,
    timestamp: String(Math.floor(atMs / 1000)),
    recipient_id: message.recipient,
    ...(message.callbackData !== null ? { biz_opaque_callback_data: message.callbackData } : {}),
  };
  if (status === "failed") {
    const codes = scenario.asyncFailureCodes;
    const code = codes[Math.floor(random() * codes.length)] ?? 131026;
    const known = lookupErrorCode(code);
    const title = known?.title ?? "Message failed to send";
    return {
      ...base,
      errors: [
        {
          code,
          title,
          message: title,
          error_data: { details: known?.hint ?? title },
          href: ERROR_DOCS_HREF,
        },
      ],
    };
  }
  return {
    ...base,
    conversation: {
      id: conversationId,
      // only the sent status carries the conversation's expiry
      ...(status === "sent" ? { expiration_timestamp: String(Math.floor(atMs / 1000) + 24 * 3600) } : {}),
      origin: { type: message.category },
    },
    pricing: {
      billable: message.pricingType === "regular",
      pricing_model: "PMP",
      category: message.category,
      type: message.pricingType,
    },
  };
}

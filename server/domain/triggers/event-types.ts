// The event types a tenant's endpoint can subscribe to. `message.accepted` exists but is never
// a default: acceptance by WhatsApp is not delivery, and automation that starts from it repeats
// the mistake Waybill exists to prevent. The console shows that warning when it is chosen.
import { z } from "zod";

export const TRIGGER_EVENT_TYPES = [
  "message.accepted",
  "message.delivered",
  "message.read",
  "message.failed",
  "message.dead_lettered",
  "message.stalled",
  "message.state_corrected",
  "alert.opened",
  "alert.resolved",
  "sender.paused",
  "sender.resumed",
  "sender.quality_changed",
] as const;
export type TTriggerEventType = (typeof TRIGGER_EVENT_TYPES)[number];

export const ZTriggerEventTypeSchema = z.enum(TRIGGER_EVENT_TYPES);

/** Types that must be asked for explicitly, with the reason shown beside the choice. */
export const OPT_IN_WARNINGS: Readonly<Partial<Record<TTriggerEventType, string>>> = {
  "message.accepted":
    "Acceptance is not delivery: WhatsApp accepted the request, the recipient may never get it. Start follow-ups from message.delivered or message.failed.",
};

export const EVENT_TYPE_DESCRIPTIONS: Readonly<Record<TTriggerEventType, string>> = {
  "message.accepted": "WhatsApp accepted the send request (not delivery)",
  "message.delivered": "the recipient's device has the message (inferred when read arrives first)",
  "message.read": "the recipient read (or played) the message",
  "message.failed": "WhatsApp reports the message could not be delivered",
  "message.dead_lettered": "Waybill stopped trying; a person has to decide",
  "message.stalled": "the message has waited past its tenant's threshold",
  "message.state_corrected": "a later fact contradicted a state already reported (names the previous state)",
  "alert.opened": "an alert about this tenant was opened",
  "alert.resolved": "an alert about this tenant was resolved",
  "sender.paused": "a sender number was paused (sending stopped)",
  "sender.resumed": "a paused sender number was resumed",
  "sender.quality_changed": "Meta changed a sender number's quality rating",
};

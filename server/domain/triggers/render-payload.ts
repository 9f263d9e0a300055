// The body an endpoint receives, rendered from the outbox row for that endpoint: the Standard
// Webhooks shape `{type, timestamp, data}`, the recipient masked unless the endpoint asked for
// full numbers, and a link to the message in the tenant API. Pure and deterministic, so every
// retry of a delivery sends the same bytes (only the signature's timestamp moves).
import { maskRecipient } from "../sending/send-request";

export type TStoredEvent = {
  id: string;
  type: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
};

export type TRenderOptions = {
  includeFullNumbers: boolean;
  /** e.g. https://waybill.example.com; null: links are paths */
  publicBaseUrl: string | null;
  senderDisplayNumber: string | null;
};

export function renderPayload(event: TStoredEvent, options: TRenderOptions): string {
  const { recipient, ...rest } = event.payload;
  const data: Record<string, unknown> = { eventId: event.id, ...rest };
  if (typeof recipient === "string") {
    data.recipient = options.includeFullNumbers ? `+${recipient}` : maskRecipient(recipient);
    data.recipientMasked = !options.includeFullNumbers;
  }
  if (typeof rest.senderNumberId === "string") {
    data.sender = { id: rest.senderNumberId, displayNumber: options.senderDisplayNumber };
  }
  if (typeof rest.messageId === "string") {
    const path = `/api/v1/messages/${rest.messageId}`;
    data.links = {
      message: options.publicBaseUrl ? `${options.publicBaseUrl.replace(/\/$/, "")}${path}` : path,
    };
  }
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data });
}

/** The webhook-id receivers dedupe on: stable for the event, the same on every retry. */
export function webhookId(eventId: string): string {
  return `evt_${eventId.replaceAll("-", "")}`;
}

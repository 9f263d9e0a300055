// Input and output of messages.search (the same filters within one tenant or across the tenants
// a role sees; the scope itself is the ladder's input, ZTenantScopeInputSchema).
import { z } from "zod";
import type { TMessageSearchQuery } from "@/server/db/queries/messages";
import { MESSAGE_STATES } from "@/server/domain/reconciliation/message-state";
import { parseSearchTerm } from "@/server/domain/search/search-term";

const ZCursorSchema = z.object({ createdAt: z.date(), id: z.uuid() });

export const ZMessageSearchFiltersSchema = z.object({
  /** the one search box: a message id, a wamid with or without "wamid.", a number or its last digits, a ticket reference */
  q: z.string().trim().min(1).max(256).optional(),
  messageId: z.uuid().optional(),
  /** any attempt's WhatsApp message id */
  wamid: z.string().trim().min(1).max(256).optional(),
  /** "+15551234567" matches that number exactly; digits alone match the number's end (4+) */
  recipient: z
    .string()
    .transform((value) => value.replace(/[\s().-]/g, ""))
    .pipe(
      z
        .string()
        .regex(/^(\+[0-9]{6,15}|[0-9]{4,15})$/, "a full number starting with + or at least 4 last digits"),
    )
    .optional(),
  senderNumberId: z.uuid().optional(),
  templateName: z.string().trim().min(1).max(512).optional(),
  state: z.enum(MESSAGE_STATES).optional(),
  errorCode: z.string().trim().min(1).max(64).optional(),
  /** only messages two attempts of which may both have reached the recipient */
  isPossibleDuplicate: z.boolean().optional(),
  /** created at or after */
  createdFrom: z.date().optional(),
  /** created before */
  createdTo: z.date().optional(),
});

export const ZMessageSearchInputSchema = ZMessageSearchFiltersSchema.extend({
  sort: z.enum(["created_desc", "created_asc"]).default("created_desc"),
  after: ZCursorSchema.optional(),
  before: ZCursorSchema.optional(),
  limit: z.number().int().min(1).max(100).default(50),
}).refine((input) => !(input.after && input.before), { message: "give after or before, not both" });

export type TMessageSearchInput = z.output<typeof ZMessageSearchInputSchema>;

export const ZMessageSearchItemSchema = z.object({
  tenantId: z.string(),
  tenantSlug: z.string(),
  tenantName: z.string(),
  id: z.string(),
  recipientMasked: z.string(),
  senderNumberId: z.string(),
  senderDisplayNumber: z.string(),
  senderLabel: z.string().nullable(),
  contentKind: z.string(),
  templateName: z.string().nullable(),
  state: z.enum(MESSAGE_STATES),
  stateReachedAt: z.date(),
  lastErrorCode: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  conflictKinds: z.array(z.string()),
  attemptCount: z.number().int(),
  hasOpenDispute: z.boolean(),
  createdAt: z.date(),
});

export const ZMessageSearchOutputSchema = z.object({
  items: z.array(ZMessageSearchItemSchema),
  nextCursor: ZCursorSchema.nullable(),
  prevCursor: ZCursorSchema.nullable(),
});

/** The validated input as the query function takes it. */
export function toSearchQuery(input: TMessageSearchInput): TMessageSearchQuery {
  const { recipient, q, ...rest } = input;
  const term = q ? parseSearchTerm(q) : null;
  return {
    ...rest,
    ...(term ? { term } : {}),
    recipient: recipient
      ? recipient.startsWith("+")
        ? { kind: "exact", digits: recipient.slice(1) }
        : { kind: "suffix", digits: recipient }
      : undefined,
  };
}

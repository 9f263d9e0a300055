// Inputs and outputs of the Operations page's procedures (engineers and admins, every tenant).
import { z } from "zod";
import { ZIngestOverviewSchema } from "../ingest/ingest.types";

const ZInboxStatusSchema = z.enum(["pending", "processed", "quarantined", "failed"]);
const ZTenantRefSchema = { tenantId: z.uuid(), tenantSlug: z.string(), tenantName: z.string() };

export const ZIngestionOutputSchema = z.object({
  overview: ZIngestOverviewSchema,
  /** requests received per minute of the window, by their current status; minutes without any are absent */
  perMinute: z.array(z.object({ minute: z.date(), status: ZInboxStatusSchema, n: z.number().int() })),
  windowFrom: z.date(),
  checkedAt: z.date(),
});

export const ZOrphansInputSchema = z.object({
  cursor: z.object({ receivedAt: z.date(), id: z.uuid() }).nullish(),
  limit: z.number().int().min(1).max(100).default(20),
});

export const ZOrphansOutputSchema = z.object({
  items: z.array(
    z.object({
      ...ZTenantRefSchema,
      id: z.uuid(),
      senderNumberId: z.uuid(),
      senderDisplayNumber: z.string(),
      providerMessageId: z.string(),
      status: z.string(),
      providerTimestamp: z.date().nullable(),
      bizOpaqueCallbackData: z.string().nullable(),
      rawWebhookId: z.uuid(),
      receivedAt: z.date(),
    }),
  ),
  nextCursor: z.object({ receivedAt: z.date(), id: z.uuid() }).nullable(),
  /**
   * First page only: statuses of messages Waybill never sent (another app on the WABA, WhatsApp
   * Manager), classed foreign after the grace period, per number over the last 30 days.
   */
  foreign: z
    .array(
      z.object({
        ...ZTenantRefSchema,
        senderNumberId: z.uuid(),
        senderDisplayNumber: z.string(),
        count: z.number().int(),
        lastReceivedAt: z.date(),
      }),
    )
    .nullable(),
});

export const ZQueuesOutputSchema = z.object({
  sendQueues: z.array(
    z.object({
      ...ZTenantRefSchema,
      queued: z.number().int(),
      due: z.number().int(),
      leased: z.number().int(),
      oldestDueAt: z.date().nullable(),
      oldestEnqueuedAt: z.date().nullable(),
      pausedNumbers: z.number().int(),
      inDoubt: z.number().int(),
      inDoubtHeld: z.number().int(),
      /** messages requested in the last hour, at most REQUESTED_CAP */
      requestedLastHour: z.number().int(),
    }),
  ),
  /** null: the job queue's schema does not exist yet (no worker has started) */
  jobQueues: z
    .array(
      z.object({
        name: z.string(),
        waiting: z.number().int(),
        retrying: z.number().int(),
        active: z.number().int(),
        failed: z.number().int(),
        oldestWaitingAt: z.date().nullable(),
        lastFailedAt: z.date().nullable(),
      }),
    )
    .nullable(),
  failedSince: z.date(),
  checkedAt: z.date(),
});

export const ZProviderErrorsOutputSchema = z.object({
  tenants: z.array(
    z.object({
      ...ZTenantRefSchema,
      requested: z.number().int(),
      rejected: z.number().int(),
      failed: z.number().int(),
      codes: z.array(
        z.object({
          errorCode: z.string(),
          type: z.enum(["provider_rejected", "status_failed"]),
          count: z.number().int(),
          lastAt: z.date(),
        }),
      ),
    }),
  ),
  /** tenants with nothing requested and no error in the window (not listed) */
  quietTenants: z.number().int(),
  since: z.date(),
  checkedAt: z.date(),
});

// deadLetters.assess: the dry run of retrying (or discarding) a few messages of one tenant, per
// message, without recording anything: what the single-retry dialogs show before confirming.
import { z } from "zod";
import { loadRetryCandidates } from "@/server/db/queries/dead-letters";
import { assessBulk, BULK_KINDS } from "@/server/domain/dead-letters/assess-retry";
import { SKIP_REASON_TEXT } from "@/server/domain/operator-actions/eligibility";
import { tenantPermissionProcedure } from "../../trpc";
import { ZAssessItemSchema } from "./dead-letters.types";

export const assessDeadLetters = tenantPermissionProcedure("operations.act")
  .input(
    z.object({
      kind: z.enum(BULK_KINDS).default("retry"),
      messageIds: z.array(z.uuid()).min(1).max(100),
    }),
  )
  .output(z.object({ items: z.array(ZAssessItemSchema) }))
  .query(async ({ ctx, input }) => {
    const selection = input.messageIds.map((messageId) => ({ tenantId: ctx.tenant.id, messageId }));
    const loaded = await loadRetryCandidates(ctx.db, [ctx.tenant.id], selection);
    const found = new Map(loaded.map((c) => [c.messageId, c]));
    const candidates = selection.map(
      (s) =>
        found.get(s.messageId) ?? {
          ...s,
          tenantName: ctx.tenant.name,
          message: null,
          deadLetter: null,
        },
    );
    const assessment = assessBulk(input.kind, candidates, new Date());
    return {
      items: assessment.items.map((item) => ({
        ...item,
        skipText: item.skipReason ? SKIP_REASON_TEXT[item.skipReason] : null,
      })),
    };
  });

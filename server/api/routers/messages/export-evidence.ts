// messages.exportEvidence: the self-verifying evidence bundle (JSON) and its printable summary
// (HTML). The bundle holds the recipient's number, so it needs message.reveal_recipient and is
// audited; raw webhook bodies are included only for message.view_raw holders.
import { z } from "zod";
import { hasPermission } from "@/server/domain/access/permissions";
import { exportEvidence as exportEvidenceService } from "@/server/services/evidence";
import { tenantPermissionProcedure } from "../../trpc";
import { ZMessageRefInputSchema } from "./messages.types";

export const exportEvidence = tenantPermissionProcedure("message.reveal_recipient")
  // the bundle's statements read one snapshot (the service's own transaction asks for it)
  .meta({ scopeIsolation: "RepeatableRead" })
  .input(ZMessageRefInputSchema)
  .output(
    z.object({
      fileName: z.string(),
      json: z.string(),
      htmlFileName: z.string(),
      html: z.string(),
      bundleSha256: z.string(),
      headHash: z.string(),
      eventCount: z.number().int(),
    }),
  )
  .mutation(({ ctx, input }) =>
    exportEvidenceService(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      includeRawBodies: hasPermission(ctx.user.role, "message.view_raw"),
      now: new Date(),
      ip: ctx.ip,
    }),
  );

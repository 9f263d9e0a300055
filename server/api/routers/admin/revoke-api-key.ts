// admin.revokeApiKey
import { z } from "zod";
import { revokeApiKey as revokeApiKeyService } from "@/server/services/api-keys";
import { tenantPermissionProcedure } from "../../trpc";

export const revokeApiKey = tenantPermissionProcedure("admin.api_keys")
  .input(z.object({ keyId: z.uuid(), reason: z.string().trim().min(1).max(500) }))
  .mutation(({ ctx, input }) =>
    revokeApiKeyService(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      keyId: input.keyId,
      reason: input.reason,
    }),
  );

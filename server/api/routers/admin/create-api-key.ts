// admin.createApiKey: returns the plaintext key once.
import { z } from "zod";
import { createApiKey as createApiKeyService } from "@/server/services/api-keys";
import { tenantPermissionProcedure } from "../../trpc";

export const createApiKey = tenantPermissionProcedure("admin.api_keys")
  .input(z.object({ name: z.string().trim().min(1).max(100) }))
  .mutation(({ ctx, input }) =>
    createApiKeyService(ctx.db, ctx.actor, { tenantId: ctx.tenant.id, name: input.name }),
  );

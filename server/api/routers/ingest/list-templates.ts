// ingest.templates: a tenant's message templates as Meta last reported them (status, quality, category).
import { listMessageTemplates } from "@/server/db/queries/ingest";
import { tenantPermissionProcedure } from "../../trpc";
import { ZTemplatesInputSchema, ZTemplatesOutputSchema } from "./ingest.types";

export const listTemplates = tenantPermissionProcedure("tenant.read")
  .input(ZTemplatesInputSchema)
  .output(ZTemplatesOutputSchema)
  .query(({ ctx }) => listMessageTemplates(ctx.db, ctx.tenant.id));

// ingest.listOrphans: a tenant's statuses waiting for their message's send response, oldest first.
import { listOrphans as listOrphansQuery } from "@/server/db/queries/ingest";
import { tenantPermissionProcedure } from "../../trpc";
import { ZListOrphansInputSchema, ZListOrphansOutputSchema } from "./list-orphans.types";

export const listOrphans = tenantPermissionProcedure("tenant.read")
  .input(ZListOrphansInputSchema)
  .output(ZListOrphansOutputSchema)
  .query(({ ctx, input }) => listOrphansQuery(ctx.db, ctx.tenant.id, input));

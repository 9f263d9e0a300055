// ingest.listRequests: stored raw requests, newest first, by status or tenant (platform: requests span tenants).
import { listRawWebhooks } from "@/server/db/queries/ingest";
import { permissionProcedure } from "../../trpc";
import { ZListRequestsInputSchema, ZListRequestsOutputSchema } from "./ingest.types";

export const listRequests = permissionProcedure("operations.read")
  .input(ZListRequestsInputSchema)
  .output(ZListRequestsOutputSchema)
  .query(({ ctx, input }) => listRawWebhooks(ctx.db, input));

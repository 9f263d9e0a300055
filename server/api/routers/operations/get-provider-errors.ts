// operations.providerErrors: per tenant over the last hour, provider rejections and failure
// statuses by error code against the messages requested (the simulator is the provider in demo).
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { readProviderErrors } from "@/server/services/operations-overview";
import { permissionProcedure } from "../../trpc";
import { ZProviderErrorsOutputSchema } from "./operations.types";

export const getProviderErrors = permissionProcedure("operations.read")
  .output(ZProviderErrorsOutputSchema)
  .query(async ({ ctx }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    return readProviderErrors(ctx.db, tenants, new Date(), 3_600_000);
  });

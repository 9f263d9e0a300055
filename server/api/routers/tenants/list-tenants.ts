// tenants.list: tenants visible to the caller (one for a tenant admin).
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { authedProcedure } from "../../trpc";

export const listTenants = authedProcedure.query(({ ctx }) => listVisibleTenants(ctx.db, ctx.user));

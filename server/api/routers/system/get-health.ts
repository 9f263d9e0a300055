// system.health: database and worker liveness for the console's health page.
import { readSystemHealth } from "@/server/db/queries/platform";
import { authedProcedure } from "../../trpc";

export const getHealth = authedProcedure.query(({ ctx }) => readSystemHealth(ctx.db, new Date()));

// ingest.overview: the inbox at a glance (depth, lag, requests needing attention, open quarantine, waiting orphans).
import { readIngestOverview } from "@/server/db/queries/ingest";
import { permissionProcedure } from "../../trpc";
import { ZIngestOverviewSchema } from "./get-overview.types";

export const getIngestOverview = permissionProcedure("operations.read")
  .output(ZIngestOverviewSchema)
  .query(({ ctx }) => readIngestOverview(ctx.db, new Date()));

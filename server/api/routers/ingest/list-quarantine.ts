// ingest.listQuarantine: webhook items that could not be processed (unknown numbers, malformed bodies, ...), newest first.
import { listQuarantine as listQuarantineQuery } from "@/server/db/queries/ingest";
import { permissionProcedure } from "../../trpc";
import { ZListQuarantineInputSchema, ZListQuarantineOutputSchema } from "./ingest.types";

export const listQuarantine = permissionProcedure("operations.read")
  .input(ZListQuarantineInputSchema)
  .output(ZListQuarantineOutputSchema)
  .query(({ ctx, input }) => listQuarantineQuery(ctx.db, input));

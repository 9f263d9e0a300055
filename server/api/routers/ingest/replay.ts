// ingest.replay: an engineer re-runs processing of stored requests (ids or a filter); idempotent, audited, result recorded per request.
import { requestReplay } from "@/server/services/ingest/replay";
import { permissionProcedure } from "../../trpc";
import { ZReplayInputSchema, ZReplayOutputSchema } from "./ingest.types";

export const replay = permissionProcedure("operations.act")
  .input(ZReplayInputSchema)
  .output(ZReplayOutputSchema)
  .mutation(({ ctx, input }) => requestReplay(ctx.db, ctx.actor, input, new Date()));

// ingest.getReplay: a replay's progress and what it did to each request.
import { getReplay as getReplayView } from "@/server/services/ingest/replay";
import { permissionProcedure } from "../../trpc";
import { ZGetReplayInputSchema, ZGetReplayOutputSchema } from "./ingest.types";

export const getReplay = permissionProcedure("operations.read")
  .input(ZGetReplayInputSchema)
  .output(ZGetReplayOutputSchema)
  .query(({ ctx, input }) => getReplayView(ctx.db, input.replayId));

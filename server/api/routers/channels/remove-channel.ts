// channels.remove: deletes a channel and its notification history (audited with the reason).
import { removeChannel as removeChannelService } from "@/server/services/notifications/channels";
import { permissionProcedure } from "../../trpc";
import { ZRemoveChannelInputSchema } from "./channels.types";

export const removeChannel = permissionProcedure("admin.channels")
  .input(ZRemoveChannelInputSchema)
  .mutation(({ ctx, input }) => removeChannelService(ctx.db, ctx.actor, input));

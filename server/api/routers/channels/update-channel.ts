// channels.update: enable or disable a channel, change its minimum severity or description.
import {
  updateChannel as updateChannelService,
  ZUpdateChannelSchema,
} from "@/server/services/notifications/channels";
import { permissionProcedure } from "../../trpc";

export const updateChannel = permissionProcedure("admin.channels")
  .input(ZUpdateChannelSchema)
  .mutation(({ ctx, input }) => updateChannelService(ctx.db, ctx.actor, input, new Date()));

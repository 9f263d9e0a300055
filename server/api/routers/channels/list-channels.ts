// channels.list: the operator channels (webhook URLs masked) and their latest notifications.
import {
  listChannels as listChannelsService,
  listNotifications,
} from "@/server/services/notifications/channels";
import { permissionProcedure } from "../../trpc";
import { ZListChannelsOutputSchema } from "./channels.types";

export const listChannels = permissionProcedure("admin.channels")
  .output(ZListChannelsOutputSchema)
  .query(async ({ ctx }) => ({
    channels: await listChannelsService(ctx.db, ctx.secretBox),
    notifications: await listNotifications(ctx.db, { limit: 50 }),
  }));

// channels.test: queues a test notification; the worker sends it like an alert.
import { queueTestNotification } from "@/server/services/notifications/channels";
import { permissionProcedure } from "../../trpc";
import { ZChannelIdInputSchema } from "./channels.types";

export const testChannel = permissionProcedure("admin.channels")
  .input(ZChannelIdInputSchema)
  .mutation(({ ctx, input }) => queueTestNotification(ctx.db, ctx.actor, input, new Date()));

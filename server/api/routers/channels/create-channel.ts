// channels.create: a Slack-compatible incoming webhook or an email address for platform alerts.
import {
  createChannel as createChannelService,
  ZCreateChannelSchema,
} from "@/server/services/notifications/channels";
import { permissionProcedure } from "../../trpc";
import { ZChannelOutputSchema } from "./channels.types";

export const createChannel = permissionProcedure("admin.channels")
  .input(ZCreateChannelSchema)
  .output(ZChannelOutputSchema)
  .mutation(({ ctx, input }) =>
    createChannelService(
      ctx.db,
      ctx.secretBox,
      ctx.actor,
      input,
      { allowHttp: ctx.allowHttpEndpoints ?? false },
      new Date(),
    ),
  );

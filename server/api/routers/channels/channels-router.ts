// channels.*: operator channels for platform alerts (Slack-compatible webhook, email); admins only.
import { createTRPCRouter } from "../../trpc";
import { createChannel } from "./create-channel";
import { listChannels } from "./list-channels";
import { removeChannel } from "./remove-channel";
import { testChannel } from "./test-channel";
import { updateChannel } from "./update-channel";

export const channelsRouter = createTRPCRouter({
  list: listChannels,
  create: createChannel,
  update: updateChannel,
  remove: removeChannel,
  test: testChannel,
});

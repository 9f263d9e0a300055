// ingest.*: the webhook inbox, quarantine and replays (platform, engineers), discarding an orphan,
// and a tenant's sender health and templates.
import { createTRPCRouter } from "../../trpc";
import { discardOrphan } from "./discard-orphan";
import { discardQuarantine } from "./discard-quarantine";
import { getReplay } from "./get-replay";
import { getRequest } from "./get-request";
import { listQuarantine } from "./list-quarantine";
import { listRequests } from "./list-requests";
import { listTemplates } from "./list-templates";
import { replay } from "./replay";
import { senderHealth } from "./sender-health";

export const ingestRouter = createTRPCRouter({
  listRequests,
  getRequest,
  listQuarantine,
  discardQuarantine,
  replay,
  getReplay,
  discardOrphan,
  senderHealth,
  templates: listTemplates,
});

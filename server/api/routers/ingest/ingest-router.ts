// ingest.*: the webhook inbox, quarantine and replays (platform, engineers) and a tenant's orphans, sender health and templates.
import { createTRPCRouter } from "../../trpc";
import { discardOrphan } from "./discard-orphan";
import { discardQuarantine } from "./discard-quarantine";
import { getIngestOverview } from "./get-overview";
import { getReplay } from "./get-replay";
import { getRequest } from "./get-request";
import { listOrphans } from "./list-orphans";
import { listQuarantine } from "./list-quarantine";
import { listRequests } from "./list-requests";
import { listTemplates } from "./list-templates";
import { replay } from "./replay";
import { senderHealth } from "./sender-health";

export const ingestRouter = createTRPCRouter({
  overview: getIngestOverview,
  listRequests,
  getRequest,
  listQuarantine,
  discardQuarantine,
  replay,
  getReplay,
  listOrphans,
  discardOrphan,
  senderHealth,
  templates: listTemplates,
});

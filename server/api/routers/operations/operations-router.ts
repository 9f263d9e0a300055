// operations.*: the Operations page's platform reads (engineers and admins): ingestion, orphans
// across tenants, send and job queues, provider error rates. Actions go through ingest.* and
// sending.* (operations.act).
import { createTRPCRouter } from "../../trpc";
import { getIngestion } from "./get-ingestion";
import { getProviderErrors } from "./get-provider-errors";
import { getQueues } from "./get-queues";
import { listOrphansAllTenants } from "./list-orphans";

export const operationsRouter = createTRPCRouter({
  ingestion: getIngestion,
  orphans: listOrphansAllTenants,
  queues: getQueues,
  providerErrors: getProviderErrors,
});

// alerts.*: a tenant's alerts and its stall thresholds; the Stalled & alerts page's feeds (one
// tenant, or every tenant for cross-tenant roles).
import { createTRPCRouter } from "../../trpc";
import { actOnAlert } from "./act-on-alert";
import { alertCounts } from "./alert-counts";
import { alertFeed } from "./alert-feed";
import { getStallThresholds, setStallThresholds } from "./stall-thresholds";
import { stalledMessages } from "./stalled-messages";

export const alertsRouter = createTRPCRouter({
  act: actOnAlert,
  stallThresholds: getStallThresholds,
  setStallThresholds,
  feed: alertFeed,
  counts: alertCounts,
  stalled: stalledMessages,
});

// alerts.*: a tenant's alerts and its stall thresholds; the Stalled & alerts page's feeds (one
// tenant, or every tenant for cross-tenant roles).
import { createTRPCRouter } from "../../trpc";
import { actOnAlert } from "./act-on-alert";
import { alertCounts, alertCountsAllTenants } from "./alert-counts";
import { alertFeed, alertFeedAllTenants } from "./alert-feed";
import { getStallThresholds, setStallThresholds } from "./stall-thresholds";
import { stalledMessages, stalledMessagesAllTenants } from "./stalled-messages";

export const alertsRouter = createTRPCRouter({
  act: actOnAlert,
  stallThresholds: getStallThresholds,
  setStallThresholds,
  feed: alertFeed,
  feedAllTenants: alertFeedAllTenants,
  counts: alertCounts,
  countsAllTenants: alertCountsAllTenants,
  stalled: stalledMessages,
  stalledAllTenants: stalledMessagesAllTenants,
});

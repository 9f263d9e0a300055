// alerts.*: a tenant's alerts and its stall thresholds.
import { createTRPCRouter } from "../../trpc";
import { actOnAlert } from "./act-on-alert";
import { listAlerts } from "./list-alerts";
import { getStallThresholds, setStallThresholds } from "./stall-thresholds";

export const alertsRouter = createTRPCRouter({
  list: listAlerts,
  act: actOnAlert,
  stallThresholds: getStallThresholds,
  setStallThresholds,
});

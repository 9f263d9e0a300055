// system.*: the platform's health and the end-to-end probe.
import { createTRPCRouter } from "../../trpc";
import { getHealth } from "./get-health";
import { getProbe, runProbe } from "./run-probe";

export const systemRouter = createTRPCRouter({
  health: getHealth,
  runProbe,
  probe: getProbe,
});

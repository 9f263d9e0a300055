// Number health: a number's derived view and timeline, the operator override, and the
// cross-tenant list of numbers that are not healthy.
import { createTRPCRouter } from "../../trpc";
import { get } from "./get-number-health";
import { listUnhealthy } from "./list-unhealthy";
import { setOverride } from "./set-override";

export const numberHealthRouter = createTRPCRouter({ get, setOverride, listUnhealthy });

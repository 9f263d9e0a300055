// Number health: a number's derived view and timeline, the operator override, and the list of
// numbers that are not healthy (one tenant, or all of them).
import { createTRPCRouter } from "../../trpc";
import { get } from "./get-number-health";
import { listUnhealthy } from "./list-unhealthy";
import { setOverride } from "./set-override";

export const numberHealthRouter = createTRPCRouter({ get, setOverride, listUnhealthy });

// me.*: the signed-in user: who they are, their tenants and their display time zone.
import { createTRPCRouter } from "../../trpc";
import { getMe } from "./get-me";
import { setTimeZone } from "./set-time-zone";

export const meRouter = createTRPCRouter({
  get: getMe,
  setTimeZone,
});

// The usage route bound to the web process's runtime (the handler lives in usage.ts).
import "server-only";
import { webRuntime } from "@/server/web/runtime";
import { handleGetUsage } from "./usage";

export const getUsageRoute = (request: Request) =>
  handleGetUsage({ db: webRuntime().db, now: () => new Date() }, request);

// The application router: one sub-router per console area.
import { createCallerFactory, createTRPCRouter } from "./trpc";
import { meRouter } from "./routers/me/me-router";
import { tenantsRouter } from "./routers/tenants/tenants-router";
import { adminRouter } from "./routers/admin/admin-router";
import { systemRouter } from "./routers/system/system-router";
import { messagesRouter } from "./routers/messages/messages-router";
import { disputesRouter } from "./routers/disputes/disputes-router";
import { sendingRouter } from "./routers/sending/sending-router";
import { alertsRouter } from "./routers/alerts/alerts-router";
import { ingestRouter } from "./routers/ingest/ingest-router";
import { deadLettersRouter } from "./routers/dead-letters/dead-letters-router";
import { operationsRouter } from "./routers/operations/operations-router";
import { insightsRouter } from "./routers/insights/insights-router";
import { webhooksRouter } from "./routers/webhooks/webhooks-router";
import { usageRouter } from "./routers/usage/usage-router";
import { numberHealthRouter } from "./routers/number-health/number-health-router";
import { channelsRouter } from "./routers/channels/channels-router";

export const appRouter = createTRPCRouter({
  me: meRouter,
  tenants: tenantsRouter,
  admin: adminRouter,
  channels: channelsRouter,
  system: systemRouter,
  messages: messagesRouter,
  disputes: disputesRouter,
  sending: sendingRouter,
  ingest: ingestRouter,
  alerts: alertsRouter,
  deadLetters: deadLettersRouter,
  operations: operationsRouter,
  insights: insightsRouter,
  webhooks: webhooksRouter,
  usage: usageRouter,
  numberHealth: numberHealthRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

// The application router: one sub-router per console area.
import { createCallerFactory, createTRPCRouter } from "./trpc";
import { addSenderNumber } from "./routers/admin/add-sender-number";
import { createApiKey } from "./routers/admin/create-api-key";
import { createTenant } from "./routers/admin/create-tenant";
import { createUser } from "./routers/admin/create-user";
import { listApiKeys } from "./routers/admin/list-api-keys";
import { listAuditActions } from "./routers/admin/list-audit-actions";
import { listAuditEvents } from "./routers/admin/list-audit-events";
import { listUsers } from "./routers/admin/list-users";
import { revokeApiKey } from "./routers/admin/revoke-api-key";
import { setUserDisabled } from "./routers/admin/set-user-disabled";
import { addNote as addDisputeNote } from "./routers/disputes/add-note";
import { listDisputesForMessage } from "./routers/disputes/for-message";
import { listDisputes } from "./routers/disputes/list";
import { openDispute } from "./routers/disputes/open";
import { recordOutcome as recordDisputeOutcome } from "./routers/disputes/record-outcome";
import { resolveDispute } from "./routers/disputes/resolve";
import { getMe } from "./routers/me/get-me";
import { setTimeZone } from "./routers/me/set-time-zone";
import { annotate as annotateMessage } from "./routers/messages/annotate";
import { cancel as cancelMessage } from "./routers/messages/cancel";
import { exportEvidence } from "./routers/messages/export-evidence";
import { forceReconcile } from "./routers/messages/force-reconcile";
import { replayWebhook } from "./routers/messages/replay-webhook";
import { getMessageTimeline } from "./routers/messages/get-timeline";
import { revealRecipient } from "./routers/messages/reveal-recipient";
import { searchMessages } from "./routers/messages/search";
import { getHealth } from "./routers/system/get-health";
import { getProbe, runProbe } from "./routers/system/run-probe";
import { getTenantOverview } from "./routers/tenants/get-tenant-overview";
import { listTenants } from "./routers/tenants/list-tenants";
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
  me: createTRPCRouter({ get: getMe, setTimeZone }),
  tenants: createTRPCRouter({ list: listTenants, overview: getTenantOverview }),
  admin: createTRPCRouter({
    createTenant,
    addSenderNumber,
    listUsers,
    createUser,
    setUserDisabled,
    listApiKeys,
    createApiKey,
    revokeApiKey,
    listAuditEvents,
    listAuditActions,
  }),
  channels: channelsRouter,
  system: createTRPCRouter({ health: getHealth, runProbe, probe: getProbe }),
  messages: createTRPCRouter({
    search: searchMessages,
    timeline: getMessageTimeline,
    revealRecipient,
    annotate: annotateMessage,
    forceReconcile,
    replayWebhook,
    exportEvidence,
    cancel: cancelMessage,
  }),
  disputes: createTRPCRouter({
    list: listDisputes,
    forMessage: listDisputesForMessage,
    open: openDispute,
    addNote: addDisputeNote,
    recordOutcome: recordDisputeOutcome,
    resolve: resolveDispute,
  }),
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

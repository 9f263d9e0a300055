// The console pages the page bench opens: who opens them, where, and what on the page says it is
// ready for use (the page's own content, not the shell).
import type { Page } from "@playwright/test";

export type TBenchPage = {
  name: string;
  /** the demo account that opens it */
  as: string;
  path: (ids: { tenant: string; messageId: string }) => string;
  readyWhen: string;
  ready: (page: Page) => Promise<void>;
};

const SUPPORT = "support@waybill.local";
const ENGINEER = "engineer@waybill.local";
const ACME_ADMIN = "admin@acme.example";

const firstRowOf = (table: string) => async (page: Page) => {
  await page.getByRole("table", { name: table }).locator("tbody tr").first().waitFor();
};

export const BENCH_PAGES: TBenchPage[] = [
  {
    name: "messages, one tenant, newest first",
    as: SUPPORT,
    path: ({ tenant }) => `/t/${tenant}/messages`,
    readyWhen: "first result row",
    ready: firstRowOf("Messages"),
  },
  {
    name: "messages, all tenants",
    as: SUPPORT,
    path: () => "/t/all/messages",
    readyWhen: "first result row",
    ready: firstRowOf("Messages"),
  },
  {
    name: "messages, failed with 131049",
    as: ACME_ADMIN,
    path: ({ tenant }) => `/t/${tenant}/messages?state=failed&error=131049`,
    readyWhen: "first result row",
    ready: firstRowOf("Messages"),
  },
  {
    name: "message timeline",
    as: SUPPORT,
    path: ({ tenant, messageId }) => `/t/${tenant}/messages/${messageId}`,
    readyWhen: "the Timeline section",
    ready: async (page) => {
      await page.getByRole("heading", { name: "Timeline" }).waitFor();
    },
  },
  {
    name: "disputes, open",
    as: SUPPORT,
    path: ({ tenant }) => `/t/${tenant}/disputes?status=open`,
    readyWhen: "first dispute row",
    ready: firstRowOf("Disputes"),
  },
  {
    name: "number health, one tenant, 7 days",
    as: ACME_ADMIN,
    path: ({ tenant }) => `/t/${tenant}/health?window=7d`,
    readyWhen: "the first number's outcomes chart drawn",
    ready: async (page) => {
      await page
        .getByRole("figure", { name: /^Outcomes over time, / })
        .first()
        .locator(".recharts-surface")
        .waitFor();
    },
  },
  {
    name: "number health, all tenants",
    as: SUPPORT,
    path: () => "/t/all/health",
    readyWhen: "the per-tenant table",
    ready: firstRowOf("Number health by tenant"),
  },
  {
    name: "heatmaps, one tenant, 7 days",
    as: ACME_ADMIN,
    path: ({ tenant }) => `/t/${tenant}/heatmaps?window=7d`,
    readyWhen: "the by-number heatmap drawn",
    ready: async (page) => {
      await page
        .getByRole("figure", { name: "Failures by sender number" })
        .locator(".recharts-surface")
        .waitFor();
    },
  },
  {
    name: "heatmaps, tenants x time, 7 days",
    as: ENGINEER,
    path: () => "/t/all/heatmaps?window=7d",
    readyWhen: "the tenants heatmap drawn",
    ready: async (page) => {
      await page.getByRole("figure", { name: "Failures by tenant" }).locator(".recharts-surface").waitFor();
    },
  },
  {
    name: "dead letters, one tenant, open (grouped)",
    as: ENGINEER,
    path: ({ tenant }) => `/t/${tenant}/dead-letters`,
    readyWhen: "first dead-letter issue row",
    ready: firstRowOf("Dead-letter issues"),
  },
  {
    name: "dead letters, all tenants",
    as: ENGINEER,
    path: () => "/t/all/dead-letters",
    readyWhen: "first dead letter row",
    ready: firstRowOf("Dead letters"),
  },
  {
    name: "stalled & alerts, one tenant",
    as: ENGINEER,
    path: ({ tenant }) => `/t/${tenant}/stalled`,
    readyWhen: "first stalled message row",
    ready: firstRowOf("Stalled messages, oldest first"),
  },
  {
    name: "stalled & alerts, all tenants",
    as: ENGINEER,
    path: () => "/t/all/stalled",
    readyWhen: "first stalled message row",
    ready: firstRowOf("Stalled messages, oldest first"),
  },
  {
    name: "operations",
    as: ENGINEER,
    path: () => "/operations",
    readyWhen: "the queues section loaded",
    ready: async (page) => {
      await page.getByRole("heading", { name: "Send queues per tenant" }).waitFor();
    },
  },
];

export const BENCH_ROLES = { SUPPORT, ENGINEER, ACME_ADMIN };

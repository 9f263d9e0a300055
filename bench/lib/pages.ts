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
];

export const BENCH_ROLES = { SUPPORT, ENGINEER, ACME_ADMIN };

// Every console page fits a 390 px phone: nothing runs off the side. A long unbroken value (a
// wamid in a timeline headline, a row of badges in a card's header, a table in a grid) must wrap
// or scroll inside its own box, never widen the page. Detail pages are reached through the links
// their lists show, so the check covers what a user can open, whatever ids the seed drew.
import type { Page } from "@playwright/test";
import { asRole, expect, expectNoSidewaysScroll } from "./fixtures";

const adminTest = asRole("admin");

const PAGES = [
  "/",
  "/status",
  "/audit",
  "/operations",
  "/operations/requests",
  "/operations/replays",
  "/admin/tenants",
  "/admin/users",
  "/admin/channels",
  ...["acme", "all"].flatMap((scope) =>
    [
      "",
      "/messages",
      "/dead-letters",
      "/disputes",
      "/health",
      "/heatmaps",
      "/senders",
      "/stalled",
      "/usage",
      "/webhooks",
    ].map((area) => `/t/${scope}${area}`),
  ),
];

/** [the list that links to a detail page, the detail page's path] */
const DETAILS: Array<[string, RegExp]> = [
  ["/t/acme/messages", /^\/t\/acme\/messages\/[0-9a-f-]{36}$/],
  ["/t/acme/health", /^\/t\/acme\/health\/[0-9a-f-]{36}$/],
  ["/admin/tenants", /^\/admin\/tenants\/[0-9a-f-]{36}$/],
  ["/operations/requests", /^\/operations\/requests\/[0-9a-f-]{36}$/],
];

async function expectFitsPhone(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expectNoSidewaysScroll(page, path);
}

adminTest("every console page fits a 390 px phone", async ({ page }) => {
  adminTest.setTimeout(240_000);
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of PAGES) await expectFitsPhone(page, path);
  for (const [list, detail] of DETAILS) {
    await page.goto(list);
    await page.waitForLoadState("networkidle");
    const hrefs = await page
      .locator("main a[href]")
      .evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""));
    const href = hrefs.find((candidate) => detail.test(candidate));
    expect(href, `${list} links to a page matching ${detail}`).toBeDefined();
    await expectFitsPhone(page, href!);
  }
});

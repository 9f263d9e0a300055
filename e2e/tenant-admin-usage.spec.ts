// A tenant admin reads what WhatsApp priced for the tenant: the period switch (kept in the URL),
// the export, on a desktop and a 390 px phone; an admin reads every tenant's usage the same way.
import { asRole, expect, expectAccessible, expectNoSidewaysScroll, screenshot } from "./fixtures";

const tenantAdminTest = asRole("tenant_admin");
const adminTest = asRole("admin");

tenantAdminTest("reads the tenant's usage over a chosen period", async ({ page }) => {
  await page.goto("/t/acme/usage");
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  const period = page.getByRole("navigation", { name: "Period" });
  await expect(period.getByRole("link", { name: "Last 30 days" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("button", { name: "Export CSV" })).toBeVisible();
  await screenshot(page, "usage");
  await expectAccessible(page);

  await period.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/\/t\/acme\/usage\?days=7$/);
  await expect(period.getByRole("link", { name: "Last 7 days" })).toHaveAttribute("aria-current", "page");
  await expect(period.getByRole("link", { name: "Last 30 days" })).not.toHaveAttribute("aria-current");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expectNoSidewaysScroll(page, "usage");
  await expectAccessible(page);
});

adminTest("reads every tenant's usage", async ({ page }) => {
  await page.goto("/t/all/usage");
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Period" }).getByRole("link", { name: "Last 30 days" }),
  ).toHaveAttribute("aria-current", "page");
  await screenshot(page, "usage-all-tenants");
  await expectAccessible(page);
});

// Login: every role lands where it should; wrong passwords are refused with a clear message;
// the console is closed to anonymous visitors.
import { test } from "@playwright/test";
import { ACCOUNTS, DEMO_PASSWORD, expect, expectAccessible, screenshot, signIn } from "./fixtures";

test("an anonymous visitor is sent to the sign-in page", async ({ page }) => {
  await page.goto("/t/all/messages");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { name: "Sign in to Waybill" })).toBeVisible();
  await screenshot(page, "login");
  await expectAccessible(page);
});

test("signing in returns to the page a signed-out link pointed at", async ({ page }) => {
  await page.goto("/t/all/disputes?status=open");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Ft%2Fall%2Fdisputes%3Fstatus%3Dopen$/);
  await page.getByLabel("Email").fill(ACCOUNTS.support_agent.email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/t\/all\/disputes\?status=open$/);
  await expect(page.getByRole("heading", { name: "Disputes", level: 1 })).toBeVisible();
});

test("a wrong password is refused with a clear message and audited", async ({ page }) => {
  await signIn(page, ACCOUNTS.engineer.email, "not-the-password");
  await expect(page.locator("#login-message")).toHaveText("Email or password is wrong.");
  await expect(page).toHaveURL(/\/login/);
});

const landings = {
  support_agent: /\/t\/all\/messages$/,
  tenant_admin: /\/t\/acme\/messages$/,
  engineer: /\/t\/all\/messages$/,
  admin: /\/t\/all\/messages$/,
} as const;

for (const role of Object.keys(ACCOUNTS) as (keyof typeof ACCOUNTS)[]) {
  test(`${role} signs in and sees the console for their role`, async ({ page }) => {
    await signIn(page, ACCOUNTS[role].email, DEMO_PASSWORD);
    await expect(page).toHaveURL(landings[role]);
    const user = page.getByRole("region", { name: "Signed-in user" });
    await expect(user).toContainText(ACCOUNTS[role].name);
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(nav.getByRole("link", { name: "Messages" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(role === "admin" ? 1 : 0);
    await expect(nav.getByRole("link", { name: "Operations" })).toHaveCount(
      role === "engineer" || role === "admin" ? 1 : 0,
    );
    if (role === "tenant_admin") {
      await expect(page.getByRole("combobox", { name: "Tenant" })).toHaveCount(0);
    } else {
      await expect(page.getByRole("combobox", { name: "Tenant" })).toBeVisible();
    }
    await user.getByRole("button", { name: "Sign out" }).click();
    // the server answers the sign-out action at once, with the redirect and the sign-in page in
    // the same response; the browser then swaps the whole console for it, which on a loaded
    // machine (the renderer starved of CPU) has been seen to take longer than the default 10 s
    await expect(page).toHaveURL(/\/login/, { timeout: 30_000 });
    await expect(page.getByRole("heading", { name: "Sign in to Waybill" })).toBeVisible();
  });
}

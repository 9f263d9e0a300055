// An admin onboards a tenant from the console: tenant, sender number, API key (shown once),
// a tenant admin; then revokes the key. The audit log shows each step.
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

const test = asRole("admin");

test("onboards a tenant end to end and every step is audited", async ({ page }) => {
  const suffix = Date.now().toString(36);
  const slug = `initech-${suffix}`;
  await page.goto("/admin/tenants");
  const form = page.getByRole("form", { name: "New tenant" });
  await form.getByLabel("Name").fill(`Initech ${suffix}`);
  await form.getByLabel("Slug").fill(slug);
  await form.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByText(`Created Initech ${suffix}.`)).toBeVisible();
  await screenshot(page, "admin-tenants");
  await expectAccessible(page);

  await page
    .getByRole("table", { name: "Tenants" })
    .getByRole("link", { name: `Initech ${suffix}` })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: `Initech ${suffix}` })).toBeVisible();

  const sender = page.getByRole("form", { name: "Add sender number" });
  await sender.getByLabel("WABA ID").fill("555000111");
  await sender.getByLabel("Phone number ID").fill(`9${Date.now()}`);
  await sender.getByLabel("Display number").fill("+15557770001");
  await sender.getByLabel("Access token").fill("EAAG-e2e-token-value");
  await sender.getByRole("button", { name: "Add sender number" }).click();
  await expect(page.getByRole("table", { name: "Sender numbers" })).toContainText("+15557770001");

  const keyForm = page.getByRole("form", { name: "Create API key" });
  await keyForm.getByLabel("Key name").fill("backend");
  await keyForm.getByRole("button", { name: "Create API key" }).click();
  const reveal = page.getByRole("dialog", { name: "API key created" });
  await expect(reveal).toBeVisible();
  const apiKey = await reveal.getByLabel("API key").inputValue();
  expect(apiKey).toMatch(/^wbk_/);
  await screenshot(page, "admin-api-key-created");
  await expectAccessible(page);
  await reveal.getByRole("button", { name: "Done" }).click();

  // the key works for its tenant only
  const who = await page.request.get("/api/v1/tenant", { headers: { Authorization: `Bearer ${apiKey}` } });
  expect(who.status()).toBe(200);
  expect((await who.json()).tenant.slug).toBe(slug);

  await page.getByRole("button", { name: "Revoke API key backend" }).click();
  const revoke = page.getByRole("alertdialog", { name: "Revoke API key" });
  await revoke.getByLabel("Reason").fill("e2e rotation");
  await revoke.getByRole("button", { name: "Revoke key" }).click();
  await expect(revoke).toBeHidden();
  const after = await page.request.get("/api/v1/tenant", { headers: { Authorization: `Bearer ${apiKey}` } });
  expect(after.status()).toBe(401);

  await page.goto(`/admin/audit`);
  await expect(page).toHaveURL(/\/audit$/);
  const audit = page.getByRole("table", { name: "Audit events" });
  for (const action of ["tenant.created", "sender_number.added", "api_key.created", "api_key.revoked"]) {
    await expect(audit.getByText(action).first()).toBeVisible();
  }
  await screenshot(page, "admin-audit");
  await expectAccessible(page);
});

test("creates a tenant admin who can then sign in to that tenant only", async ({ page, browser }) => {
  const email = `ops-${Date.now().toString(36)}@globex.example`;
  await page.goto("/admin/users");
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Name").fill("Globex Ops");
  await form.getByLabel("Role").selectOption({ label: "Tenant admin" });
  await form.getByLabel("Tenant to administer").selectOption({ label: "Globex" });
  await form.getByLabel("Password").fill("a-long-e2e-password");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("table", { name: "Users" })).toContainText(email);
  await screenshot(page, "admin-users");
  await expectAccessible(page);

  const context = await browser.newContext({ storageState: undefined });
  const other = await context.newPage();
  await other.goto("/login");
  await other.getByLabel("Email").fill(email);
  await other.getByLabel("Password").fill("a-long-e2e-password");
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(/\/t\/globex\/messages$/);
  expect((await other.goto("/t/acme/messages"))?.status()).toBe(404);
  await context.close();
});

// An engineer works the Stalled & alerts page (acknowledges a stalled message's alert with a
// reason: its status and history change), reads the Operations page (ingestion, quarantine,
// queues), and replays a raw webhook from a message's timeline (the manual action appears). A
// tenant admin cannot open Operations and sees alerts without action buttons.
import { ACCOUNTS, asRole, expect, expectAccessible, screenshot } from "./fixtures";

// demo data seeded by prisma/seed.ts (tests/factories/operations.ts DEMO_OPERATIONS_IDS)
const ACME_STALLED = "0c7e5a14-9b3d-4f28-a6e1-5d2f8c3b0a11";
const ACME_WEBHOOK_LINKED = "e4a2c7d1-5f38-4b9e-8c06-2d9f1a7b5e14";

const engineerTest = asRole("engineer");
const tenantAdminTest = asRole("tenant_admin");

engineerTest(
  "acknowledges an alert with a reason, reads Operations, replays a raw webhook",
  async ({ page }) => {
    // 1. Stalled & alerts: the seeded stalled message, its alert and its place among stalled messages
    await page.goto("/t/acme/stalled");
    await expect(page.getByRole("heading", { level: 1, name: "Stalled & alerts" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Unresolved alerts by tenant and number" })).toBeVisible();
    const stalled = page.getByRole("table", { name: "Stalled messages, oldest first" });
    await expect(stalled.getByRole("link", { name: new RegExp(ACME_STALLED) })).toBeVisible();
    const alert = page
      .getByRole("article")
      .filter({ has: page.locator(`a[href$="/messages/${ACME_STALLED}"]`) });
    await expect(alert.getByRole("heading", { name: "Message stalled in accepted" })).toBeVisible();
    await expect(alert).toContainText("Status: Open");

    // 2. acknowledge it, with a reason
    await alert.getByRole("button", { name: /^Acknowledge/ }).click();
    const dialog = page.getByRole("dialog", { name: "Acknowledge alert" });
    await dialog.getByRole("button", { name: "Acknowledge" }).click();
    await expect(dialog.getByText("Give a reason (at least 3 characters).")).toBeVisible();
    await dialog.getByLabel("Reason").fill("Checking the Promotions number with Meta");
    await dialog.getByRole("button", { name: "Acknowledge" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("status").filter({ hasText: "Alert acknowledged" })).toBeVisible();
    await expect(alert).toContainText("Status: Acknowledged");
    const history = alert.getByRole("list", { name: /History of/ });
    await expect(history).toContainText(`Acknowledged by ${ACCOUNTS.engineer.email}`);
    await expect(history).toContainText("Checking the Promotions number with Meta");
    await expect(alert.getByRole("button", { name: /^Acknowledge/ })).toHaveCount(0);
    await screenshot(page, "stalled-alerts");
    await expectAccessible(page);

    // 2b. every tenant's stalled messages and alerts at once, each under its tenant
    await page.goto("/t/all/stalled");
    await expect(page.getByRole("heading", { level: 1, name: "Stalled & alerts" })).toBeVisible();
    const byTenant = page.getByRole("table", { name: "Unresolved alerts by tenant and number" });
    await expect(byTenant.getByRole("link", { name: /Acme/ }).first()).toBeVisible();
    await expect(
      page.getByRole("table", { name: "Stalled messages, oldest first" }).getByRole("link", {
        name: new RegExp(ACME_STALLED),
      }),
    ).toBeVisible();
    await screenshot(page, "stalled-alerts-all-tenants");
    await expectAccessible(page);

    // 3. Operations: ingestion, quarantine and queues, live
    await page.goto("/operations");
    await expect(page.getByRole("heading", { level: 1, name: "Operations" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Ingestion" })).toBeVisible();
    await expect(page.getByRole("figure", { name: "Webhook requests per minute, last hour" })).toBeVisible();
    await expect(page.getByText("Inbox depth")).toBeVisible();
    const quarantine = page.getByRole("table", { name: "Open quarantine items" });
    await expect(quarantine).toContainText("Unknown phone number");
    await expect(quarantine.getByRole("button", { name: /^Replay/ }).first()).toBeVisible();
    // the seeded orphans may already be classed foreign by the sweep, leaving the card empty
    await expect(
      page
        .getByRole("table", { name: "Orphan statuses waiting, oldest first" })
        .or(page.getByText("No orphan statuses waiting")),
    ).toBeVisible();
    await expect(page.getByRole("table", { name: "Send queues per tenant" })).toContainText("Globex");
    await expect(page.getByRole("table", { name: "Job queues" })).toContainText("monitor.sweep");
    await expect(page.getByRole("heading", { name: "Provider errors" })).toBeVisible();
    await expect(page.getByText(/^Updated/)).toBeVisible();
    await screenshot(page, "operations");
    await expectAccessible(page);

    // 4. replay a raw webhook from a timeline: the manual action appears at once
    await page.goto(`/t/acme/messages/${ACME_WEBHOOK_LINKED}`);
    await expect(page.getByRole("heading", { name: "Raw webhooks" })).toBeVisible();
    await page.getByRole("button", { name: /^Replay request/ }).click();
    const replay = page.getByRole("dialog", { name: "Replay raw webhook" });
    await replay.getByLabel("Reason").fill("Re-run after the status parser fix");
    await replay.getByRole("button", { name: "Replay request" }).click();
    await expect(replay).toBeHidden();
    const timeline = page.getByRole("list", { name: "Ledger events, in ledger order" });
    await expect(timeline.getByText(/Operator action: replay raw webhook of request/)).toBeVisible();
    await expect(timeline.getByText("Reason: Re-run after the status parser fix")).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: /queued/ })).toBeVisible();
  },
);

tenantAdminTest(
  "a tenant admin cannot open Operations and reads alerts without actions",
  async ({ page }) => {
    const response = await page.goto("/operations");
    expect(response?.status()).toBe(404);

    await page.goto("/t/acme/stalled");
    await expect(page.getByRole("heading", { level: 1, name: "Stalled & alerts" })).toBeVisible();
    const alert = page
      .getByRole("article")
      .filter({ has: page.locator(`a[href$="/messages/${ACME_STALLED}"]`) });
    await expect(alert.getByRole("heading", { name: "Message stalled in accepted" })).toBeVisible();
    await expect(
      page.getByText("Read only: engineers acknowledge, snooze and resolve alerts."),
    ).toBeVisible();
    for (const name of [/^Acknowledge/, /^Snooze/, /^Resolve/]) {
      await expect(page.getByRole("button", { name })).toHaveCount(0);
    }
    // another tenant's page is not found, and so is the cross-tenant scope
    expect((await page.goto("/t/globex/stalled"))?.status()).toBe(404);
    expect((await page.goto("/t/all/stalled"))?.status()).toBe(404);
  },
);

// An engineer works the dead letters: opens the list across tenants, dry-runs a retry of
// everything (count, tenants, WhatsApp-aware warnings), then filters to the exhausted retries,
// selects them, dry-runs, retries with a reason leaving out what will fail again, follows the
// bulk operation, and opens the retried message's timeline: the manual action and the scheduled
// retry at once, then (through the worker and the provider simulator) the provider's
// acknowledgement. A support agent sees the same list without any control.
import { asRole, expect, screenshot } from "./fixtures";

// demo messages seeded by prisma/seed.ts (tests/factories/messages.ts DEMO_MESSAGE_IDS)
const ACME_DEAD_EXHAUSTED = "6e8b1f47-2c93-4d05-a7e6-9b4d3f2ad007";

const engineerTest = asRole("engineer");
const supportTest = asRole("support_agent");

engineerTest(
  "dry-runs and bulk-retries dead letters, then sees the acknowledgement on the timeline",
  async ({ page }) => {
    // 1. every tenant's open dead letters
    await page.goto("/t/all/dead-letters");
    await expect(page.getByRole("heading", { level: 1, name: "Dead letters" })).toBeVisible();
    const table = page.getByRole("table", { name: "Dead letters" });
    await expect(table.getByRole("columnheader", { name: "Tenant" })).toBeVisible();
    await expect(table).toContainText("permanent error 131026");
    await expect(table).toContainText("retry budget spent");
    await expect(table).toContainText("Globex");
    await expect(table.getByRole("link", { name: /shipping_notice/ })).toBeVisible();
    await screenshot(page, "dead-letters");

    // 2. a dry run of everything: count, tenants, warnings; nothing is sent. The demo seed's
    // traffic adds dead letters of its own (Acme's troubled number), so the counts come from the
    // page: the dry run must cover exactly what was selected.
    await page.getByRole("checkbox", { name: "Select all loaded dead letters" }).check();
    const toolbar = page.getByRole("toolbar", { name: "Bulk actions" });
    const selected = Number(/(\d+) selected/.exec((await toolbar.textContent()) ?? "")?.[1]);
    expect(selected).toBe(await table.locator("tbody tr").count());
    expect(selected).toBeGreaterThanOrEqual(4);
    const globexRows = await table.locator("tbody tr").filter({ hasText: "Globex" }).count();
    await toolbar.getByRole("button", { name: "Dry run retry" }).click();
    let dialog = page.getByRole("dialog", { name: "Dry run: retry dead letters" });
    const summary = dialog.getByRole("region", { name: "Dry run summary" });
    await expect(summary).toContainText(`Retry ${selected} messages in 2 tenants`);
    const affected = dialog.getByRole("list", { name: "Tenants affected" });
    await expect(affected).toContainText(`Acme: ${selected - globexRows}`);
    await expect(affected).toContainText(`Globex: ${globexRows}`);
    const warnings = dialog.getByRole("region", { name: "Warnings" });
    await expect(warnings).toContainText("Customer-service window closed");
    await expect(warnings).toContainText("Recipient capped (marketing limit)");
    await expect(warnings).toContainText("Permanent error 131026 (Message undeliverable)");
    await expect(warnings).toContainText(/\d+ messages? will most likely fail again/);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();

    // 3. filter to the exhausted retries (kept in the URL), select them, dry-run
    const filters = page.getByRole("form", { name: "Filter dead letters" });
    await filters.getByLabel("Reason").selectOption({ label: "Retries exhausted" });
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/reason=exhausted/);
    await expect(table.getByRole("row")).toHaveCount(3); // header + 2
    await table.getByRole("checkbox", { name: /^Select shipping_notice/ }).check();
    await table.getByRole("checkbox", { name: /^Select Text message/ }).check();
    await expect(page.getByRole("toolbar", { name: "Bulk actions" })).toContainText("2 selected");
    await page.getByRole("button", { name: "Dry run retry" }).click();
    dialog = page.getByRole("dialog", { name: "Dry run: retry dead letters" });
    await expect(dialog.getByRole("region", { name: "Dry run summary" })).toContainText(
      "Retry 2 messages in 1 tenant",
    );
    await expect(dialog.getByRole("region", { name: "Warnings" })).toContainText(
      "Customer-service window closed",
    );
    await expect(dialog).toContainText("within the approval threshold (20)");
    await screenshot(page, "dead-letters-dry-run");

    // 4. confirm with a reason, leaving out the free-form text whose window has closed
    const confirm = dialog.getByRole("form", { name: "Confirm the bulk retry" });
    await confirm.getByRole("button", { name: "Retry 2 messages" }).click();
    await expect(confirm.getByText("Give a reason")).toBeVisible();
    await confirm.getByLabel("Leave out the 1 message that will most likely fail again").check();
    await confirm.getByLabel("Reason").fill("INC-4021: Meta's outage is over");
    await confirm.getByRole("button", { name: "Retry 1 message" }).click();
    await expect(dialog).toBeHidden();
    await expect(
      page.getByRole("status").filter({ hasText: "Retrying 1 message (1 left out)" }),
    ).toBeVisible();

    // 5. the operation: requested by me, no approval needed, acknowledged by the provider
    const operations = page.getByRole("table", { name: "Bulk operations" });
    await expect(operations).toContainText("Retry 1 message");
    await expect(operations).toContainText("INC-4021: Meta's outage is over");
    await expect(operations).toContainText("Not needed (at most 20)");
    await expect(operations).toContainText("1 acknowledged", { timeout: 45_000 });

    // 6. the retried message's timeline: the action and the retry, then the provider's answer
    await page.goto("/t/all/dead-letters?status=all&reason=exhausted");
    const row = table.getByRole("row").filter({ hasText: "shipping_notice" });
    await expect(row).toContainText("Acknowledged");
    await row.getByRole("link", { name: /shipping_notice/ }).click();
    await expect(page).toHaveURL(new RegExp(`/t/acme/messages/${ACME_DEAD_EXHAUSTED}$`));
    const timeline = page.getByRole("list", { name: "Ledger events, in ledger order" });
    await expect(timeline).toContainText(/Operator action: retry by (user:)?engineer@waybill\.local/);
    await expect(timeline).toContainText("INC-4021: Meta's outage is over");
    await expect(timeline).toContainText("Retry scheduled: attempt 2");
    await expect(timeline).toContainText(/Provider accepted attempt 2/, { timeout: 30_000 });
    await expect(page.getByRole("status", { name: "Dead letter" })).toContainText("Acknowledged");
    await screenshot(page, "timeline-after-retry");
  },
);

supportTest("a support agent reads the dead letters but has no controls", async ({ page }) => {
  await page.goto("/t/all/dead-letters?status=all");
  const table = page.getByRole("table", { name: "Dead letters" });
  await expect(table).toContainText("permanent error 131026");
  await expect(page.getByRole("checkbox", { name: "Select all loaded dead letters" })).toHaveCount(0);
  await expect(page.getByRole("toolbar", { name: "Bulk actions" })).toHaveCount(0);
  await expect(table.getByRole("button", { name: /^Retry/ })).toHaveCount(0);
  await expect(table.getByRole("button", { name: /^Discard/ })).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Bulk operations" })).toHaveCount(0);
  // nor on a dead-lettered message's page
  await table
    .getByRole("link", { name: /order_update/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Message");
  await expect(page.getByRole("button", { name: "Retry…" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Discard…" })).toHaveCount(0);
});

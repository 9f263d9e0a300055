// An engineer works the dead letters: opens the list across tenants, dry-runs a retry of
// everything (count, tenants, WhatsApp-aware warnings), then filters to the exhausted retries,
// selects them, dry-runs, retries with a reason leaving out what will fail again (the page's
// default, a toggle kept in the URL), and follows the
// bulk operation and the retried message's timeline: the manual action and the scheduled retry at
// once. The demo seed restricts Acme's business-initiated messaging for 12 hours (a WABA-wide
// fact: both Acme numbers hold their templates), so the dry run warns that the retried template
// will wait, and it does, until the engineer tells Acme Support to send despite the restriction;
// then (through the worker and the provider simulator) the provider's acknowledgement shows, and
// the override is cleared again. A support agent sees the same list without any control.
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

// demo messages seeded by prisma/seed.ts (tests/factories/messages.ts DEMO_MESSAGE_IDS)
const ACME_DEAD_EXHAUSTED = "6e8b1f47-2c93-4d05-a7e6-9b4d3f2ad007";
const ACME_SUPPORT = "+15550101001";
const REASON = "INC-4021: Meta's outage is over";

const engineerTest = asRole("engineer");
const supportTest = asRole("support_agent");

engineerTest(
  "dry-runs and bulk-retries dead letters, sees the retry wait for the sender, then its acknowledgement",
  async ({ page }) => {
    // two dry runs, a bulk retry, two pages of the number and a round trip through the worker and
    // the provider simulator: more than the default minute on a loaded machine
    engineerTest.slow();
    const table = page.getByRole("table", { name: "Dead letters" });
    const operations = page.getByRole("table", { name: "Bulk operations" });

    // 0. A Playwright retry finds the seeded exhausted dead letter as the failed attempt left it:
    // once that attempt confirmed the retry, the dead letter is no longer open and the dry runs
    // below cannot be repeated; the retry then checks what the journey ends in (steps 7 to 9).
    await page.goto("/t/all/dead-letters?status=all&reason=exhausted");
    const exhaustedRow = table.getByRole("row").filter({ hasText: "shipping_notice" });
    await expect(exhaustedRow).toHaveCount(1);
    const isStillOpen =
      (await exhaustedRow.getByRole("button", { name: /^Retry shipping_notice/ }).count()) === 1;
    if (!isStillOpen) {
      await expect(exhaustedRow).toContainText(/Awaiting acknowledgement|Acknowledged/);
      await expect(operations).toContainText(REASON);
    } else {
      // 1. every tenant's open dead letters
      await page.goto("/t/all/dead-letters");
      await expect(page.getByRole("heading", { level: 1, name: "Dead letters" })).toBeVisible();
      await expect(table.getByRole("columnheader", { name: "Tenant" })).toBeVisible();
      await expect(table).toContainText("permanent error 131026");
      await expect(table).toContainText("retry budget spent");
      await expect(table).toContainText("Globex");
      await expect(table.getByRole("link", { name: /shipping_notice/ })).toBeVisible();
      await screenshot(page, "dead-letters");
      await expectAccessible(page);

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

      // 2b. retries leave out what will most likely fail again unless the engineer says otherwise:
      // the toggle is on by default and its state is kept in the URL
      const leaveOut = page.getByRole("checkbox", {
        name: "Leave out those that will most likely fail again",
      });
      await expect(leaveOut).toBeChecked();
      // (each change is a navigation that renders the list again on the server: slow when loaded)
      await leaveOut.uncheck();
      await expect(page).toHaveURL(/likely=include/, { timeout: 30_000 });
      await expect(leaveOut).not.toBeChecked();
      await page.reload();
      await expect(leaveOut).not.toBeChecked();
      await expect(leaveOut).toBeEnabled();
      await leaveOut.check();
      await expect(page).not.toHaveURL(/likely=/, { timeout: 30_000 });
      await expect(leaveOut).toBeChecked();
      await expect(leaveOut).toBeEnabled({ timeout: 30_000 });

      // 3. filter to the exhausted retries (kept in the URL), select them, dry-run: the free-form
      // text will fail again, and the template will wait for Acme Support's restriction
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
      const exhaustedWarnings = dialog.getByRole("region", { name: "Warnings" });
      await expect(exhaustedWarnings).toContainText("Customer-service window closed");
      await expect(exhaustedWarnings).toContainText("Sender held: business-initiated messaging restricted");
      await expect(exhaustedWarnings).toContainText(
        `${ACME_SUPPORT} is held (business-initiated messaging restricted by Meta until`,
      );
      await expect(exhaustedWarnings).toContainText("the retry waits in its queue until the hold lifts");
      await expect(dialog).toContainText("within the approval threshold (20)");
      await screenshot(page, "dead-letters-dry-run");
      await expectAccessible(page);

      // 4. confirm with a reason, leaving out (the page's default) the free-form text whose
      // window has closed
      const confirm = dialog.getByRole("form", { name: "Confirm the bulk retry" });
      await expect(
        confirm.getByLabel("Leave out the 1 message that will most likely fail again"),
      ).toBeChecked();
      await confirm.getByRole("button", { name: "Retry 1 message" }).click();
      await expect(confirm.getByText("Give a reason")).toBeVisible();
      await confirm.getByLabel("Reason").fill(REASON);
      await confirm.getByRole("button", { name: "Retry 1 message" }).click();
      await expect(dialog).toBeHidden();
      await expect(
        page.getByRole("status").filter({ hasText: "Retrying 1 message (1 left out)" }),
      ).toBeVisible();

      // 5. the operation: requested by me, no approval needed, processed; the provider has not
      // acknowledged anything, because the restriction keeps the template in its queue
      await expect(operations).toContainText("Retry 1 message");
      await expect(operations).toContainText(REASON);
      await expect(operations).toContainText("Not needed (at most 20)");
      await expect(operations).toContainText(
        "1 of 1 processed · 0 acknowledged · 1 awaiting acknowledgement",
      );

      // 6. the retried message's timeline: the action and the retry, at once
      await page.goto("/t/all/dead-letters?status=all&reason=exhausted");
      await expect(exhaustedRow).toContainText("Awaiting acknowledgement");
      await exhaustedRow.getByRole("link", { name: /shipping_notice/ }).click();
      await expect(page).toHaveURL(new RegExp(`/t/acme/messages/${ACME_DEAD_EXHAUSTED}$`));
      const timeline = page.getByRole("list", { name: "Ledger events, in ledger order" });
      await expect(timeline).toContainText(/Operator action: retry by (user:)?engineer@waybill\.local/);
      await expect(timeline).toContainText(REASON);
      await expect(timeline).toContainText("Retry scheduled: attempt 2");
      await expect(timeline).not.toContainText("Provider accepted attempt 2");
      // why it waits, on the page itself (not only in the API's explanation)
      await expect(page.locator("p", { hasText: "Held in the send queue:" })).toContainText(
        /business-initiated messaging/i,
      );
      await expect(page.getByRole("status", { name: "Dead letter" })).toContainText(
        "Awaiting acknowledgement",
      );
    }

    // 7. Acme Support's page says why the retry waits; the engineer lets the number send
    // despite the restriction (Meta lifted it early; the record catches up with the next sync)
    await page.goto("/t/acme/health");
    await page.getByRole("link", { name: `Health details of ${ACME_SUPPORT}` }).click();
    const sending = page.getByRole("region", { name: `Sending from ${ACME_SUPPORT} (Acme Support)` });
    const form = page.getByRole("form", { name: "Set the override" });
    if (isStillOpen) {
      await expect(sending).toContainText("Business-initiated messaging restricted by Meta until");
      await expect(sending).toContainText("template messages wait");
      await expect(sending).toContainText(/[1-9]\d* held by the number's health/);
    }
    await form.getByLabel("Decision").selectOption("send");
    await form.getByLabel("For").selectOption("1");
    await form.getByLabel("Reason").fill("Meta lifted the restriction early (INC-4021)");
    await form.getByRole("button", { name: "Set override" }).click();
    await expect(form.getByText("Override set.")).toBeVisible();
    await expect(sending).toContainText("Sending: an operator is sending despite biz_messaging_restricted");

    // 8. the retry goes: the provider's answer on the timeline, and the operation acknowledged
    await page.goto(`/t/acme/messages/${ACME_DEAD_EXHAUSTED}`);
    const timeline = page.getByRole("list", { name: "Ledger events, in ledger order" });
    // the page follows a message that is not final by itself
    await expect(timeline).toContainText(/Provider accepted attempt 2/, { timeout: 45_000 });
    await expect(page.getByRole("status", { name: "Dead letter" })).toContainText("Acknowledged");
    await screenshot(page, "timeline-after-retry");
    await expectAccessible(page);
    await page.goto("/t/all/dead-letters?status=all&reason=exhausted");
    await expect(exhaustedRow).toContainText("Acknowledged");
    await expect(operations.getByRole("row").filter({ hasText: REASON })).toContainText("1 acknowledged");

    // 9. cleared again, so other journeys find the number as the seed left it
    await page.goto("/t/acme/health");
    await page.getByRole("link", { name: `Health details of ${ACME_SUPPORT}` }).click();
    await form.getByLabel("Reason").fill("restriction record caught up");
    await form.getByRole("button", { name: "Clear override" }).click();
    await expect(form.getByText("Override cleared.")).toBeVisible();
    await expect(page.getByText("No override: the number's health decides.")).toBeVisible();
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

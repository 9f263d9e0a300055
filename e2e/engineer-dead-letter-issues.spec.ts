// An engineer works dead letters as issues: a text message sent to a recipient who is not on
// WhatsApp fails (131026, through the worker and the provider simulator) and appears on Acme's
// grouped view as its own issue (error x number x template) with its count and first/last seen.
// Its dry run leaves out by default what will most likely fail again; the engineer retries it
// anyway, the issue leaves the view while the retry is pending, and when the provider fails it
// again it comes back, linked to the bulk operation that retried it. All messages stays one
// click away, in the URL.
import crypto from "node:crypto";
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

const test = asRole("engineer");

test("a grouped dead-letter issue retried", async ({ page }) => {
  // two trips through the worker and the provider simulator's webhooks
  test.setTimeout(180_000);
  // the simulator fails every message to this block with 131026 (not a WhatsApp user): a text
  // message from Acme Support is an issue of its own (the seed has no such dead letter)
  await page.goto("/operations");
  await page.getByRole("button", { name: "Send a test message" }).click();
  const form = page.getByRole("dialog", { name: "Send a test message" }).getByRole("form", {
    name: "Send a test message",
  });
  await form.getByLabel("Tenant").selectOption({ label: "Acme" });
  await expect(form.getByLabel("From")).toContainText("+15550101001");
  await form.getByLabel("From").selectOption({ index: 0 });
  await form.getByLabel("To").fill(`+155500091${crypto.randomInt(100, 999)}`);
  await form.getByLabel("Text", { exact: true }).fill("Waybill e2e: an issue to retry");
  await form.getByRole("button", { name: "Send test message" }).click();
  await expect(form.getByRole("status")).toContainText("Queued, not yet delivered.");

  // 1. a tenant page opens grouped; the failure becomes its own issue once the webhook arrives
  await page.goto("/t/acme/dead-letters");
  const views = page.getByRole("navigation", { name: "Dead-letter view" });
  await expect(views.getByRole("link", { name: "Grouped" })).toHaveAttribute("aria-current", "page");
  const issues = page.getByRole("table", { name: "Dead-letter issues" });
  // the seed's only text dead letter from this number is a 131016; this one is new
  const issue = issues
    .getByRole("row", { name: /· \+15550101001 · text message$/ })
    .filter({ hasNotText: "131016" });
  await expect(async () => {
    await page.reload();
    await expect(issue).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 120_000, intervals: [2_000] });
  await expect(issue).toContainText("+15550101001");
  await expect(issue.getByRole("cell").nth(3)).toHaveText("1");
  await expect(issue).toContainText(/\d+ min ago/);
  await screenshot(page, "dead-letter-issues");
  await expectAccessible(page);

  // 2. the dry run of the issue: "leave out what will most likely fail again" starts ticked, as the
  // page's toggle (on by default, in the grouped view as in the list) says
  await expect(
    page.getByRole("checkbox", { name: "Leave out those that will most likely fail again" }),
  ).toBeChecked();
  await issue.getByRole("button", { name: /^Dry run retry of / }).click();
  const dialog = page.getByRole("dialog", { name: "Dry run: retry dead letters" });
  await expect(dialog.getByRole("region", { name: "Dry run summary" })).toContainText(
    "Retry 1 message in 1 tenant",
  );
  await expect(dialog.getByRole("region", { name: "Warnings" })).toContainText("will most likely fail again");
  const confirm = dialog.getByRole("form", { name: "Confirm the bulk retry" });
  const leaveOut = confirm.getByLabel("Leave out the 1 message that will most likely fail again");
  await expect(leaveOut).toBeChecked();
  await expect(confirm.getByRole("button", { name: "Retry 0 messages" })).toBeDisabled();
  await screenshot(page, "dead-letter-issue-dry-run");
  await expectAccessible(page);

  // 3. retried on purpose (the engineer knows better), with a reason
  await leaveOut.uncheck();
  await confirm.getByLabel("Reason").fill("E2E: the recipient says they installed WhatsApp");
  await confirm.getByRole("button", { name: "Retry 1 message" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Retrying 1 message" })).toBeVisible();

  // 4. the provider fails it again: the issue comes back, linked to the operation, without a reload
  await expect(issue).toContainText("1 failed again after a retry by engineer@waybill.local", {
    timeout: 60_000,
  });
  const operations = page.getByRole("table", { name: "Bulk operations" });
  await expect(operations).toContainText("1 failed again", { timeout: 60_000 });
  await issue.getByRole("link", { name: /^operation (…[0-9a-f]{8}|[0-9a-f]{8}…)$/ }).click();
  await expect(page).toHaveURL(/#operation-[0-9a-f-]{36}$/);
  const opRow = operations.locator(":target");
  await expect(opRow).toContainText("E2E: the recipient says they installed WhatsApp");

  // 5. All messages, kept in the URL, lists the message with its "Failed again" status
  await issue.getByRole("link", { name: /^Messages of / }).click();
  await expect(page).toHaveURL(/view=messages/);
  await expect(views.getByRole("link", { name: "All messages" })).toHaveAttribute("aria-current", "page");
  const list = page.getByRole("table", { name: "Dead letters" });
  await expect(list.getByRole("row").filter({ hasText: "Failed again" })).toHaveCount(1);
  await screenshot(page, "dead-letter-issue-messages");
  await expectAccessible(page);
});

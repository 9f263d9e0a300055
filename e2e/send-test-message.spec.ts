// An engineer sends a test message from the console and follows it on its timeline: the worker
// sends it to the provider simulator, whose signed webhooks move it past "accepted".
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

const test = asRole("engineer");

test("sends a test message and sees the provider's acknowledgement and statuses on the timeline", async ({
  page,
}) => {
  await page.goto("/operations");
  await page.getByRole("button", { name: "Send a test message" }).click();
  const form = page.getByRole("dialog", { name: "Send a test message" }).getByRole("form", {
    name: "Send a test message",
  });
  await form.getByLabel("Tenant").selectOption({ label: "Acme" });
  await expect(form.getByLabel("From")).toContainText("+15550101001");
  await form.getByLabel("From").selectOption({ index: 0 });
  await form.getByLabel("To").fill("+15551230000");
  await form.getByLabel("Text", { exact: true }).fill("Waybill e2e test message");
  await form.getByRole("button", { name: "Send test message" }).click();
  await expect(form.getByRole("status")).toContainText("Queued, not yet delivered.");
  await screenshot(page, "operations-send-test");
  await expectAccessible(page);

  await form.getByRole("link", { name: /Follow message/ }).click();
  await expect(page).toHaveURL(/\/t\/acme\/messages\/[0-9a-f-]{36}$/);
  // the ledger fills in as the worker and the simulator's webhooks arrive
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/Provider accepted attempt 1/)).toBeVisible({ timeout: 1_000 });
    await expect(
      page.getByText(/Provider reported (sent|delivered|read|failed) for attempt 1/).first(),
    ).toBeVisible({
      timeout: 1_000,
    });
  }).toPass({ timeout: 45_000, intervals: [1_000, 2_000] });
  await screenshot(page, "engineer-test-message-timeline");
  await expectAccessible(page);
});

test("a support agent has no test-send form", async ({ browser }) => {
  const context = await browser.newContext({ storageState: "e2e/.auth/support_agent.json" });
  const page = await context.newPage();
  const response = await page.goto("/operations");
  expect(response?.status()).toBe(404);
  await context.close();
});

// An engineer settles what the platform cannot decide alone: resolves the held in-doubt send from
// Operations (the row leaves, the timeline records the decision), pauses and resumes a sender
// number and sets its maximum rate on the Sender numbers page, and follows a stored webhook
// request from Operations to its body and a replay with its outcome; then finds the pause in the
// audit log by actor and action and exports it as CSV. A tenant admin sees the numbers without
// controls and cannot open the audit log.
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

// demo data seeded by prisma/seed.ts (tests/factories/operations.ts DEMO_OPERATIONS_IDS)
const GLOBEX_IN_DOUBT = "b83c2e59-7a14-4d6f-9e21-4c0b6d8a3f13";
const GLOBEX_CARE = "+15550202002";

const engineerTest = asRole("engineer");
const tenantAdminTest = asRole("tenant_admin");

engineerTest("resolves an in-doubt send, pauses and resumes a number, follows a replay", async ({ page }) => {
  // one journey across four pages, with a replay that waits for the worker
  engineerTest.setTimeout(150_000);
  // 1. Operations opens with what needs attention, then lists the held in-doubt attempt; give it
  // up with a reason
  await page.goto("/operations");
  // a test send from the header's drawer gives Globex traffic in the last hour: the send-queue
  // table lists it whatever its queue holds
  await page.getByRole("button", { name: "Send a test message" }).click();
  const drawer = page.getByRole("dialog", { name: "Send a test message" });
  const sendForm = drawer.getByRole("form", { name: "Send a test message" });
  await sendForm.getByLabel("Tenant").selectOption({ label: "Globex" });
  await expect(sendForm.getByLabel("From")).toContainText("+15550202001");
  await sendForm.getByLabel("From").selectOption({ index: 0 });
  await sendForm.getByLabel("To").fill("+15551230001");
  await sendForm.getByLabel("Text", { exact: true }).fill("Waybill e2e traffic");
  await sendForm.getByRole("button", { name: "Send test message" }).click();
  await expect(sendForm.getByRole("status")).toContainText("Queued, not yet delivered.");
  await drawer.getByRole("button", { name: "Close" }).click();
  await expect(drawer).toBeHidden();
  // the queues refresh every 10 s
  await expect(page.getByRole("table", { name: "Send queues per tenant" })).toContainText("Globex", {
    timeout: 20_000,
  });
  const attention = page.getByRole("list", { name: "Needs attention" });
  await expect(
    attention.getByRole("link", { name: /sends? in doubt, \d+ held for an engineer/ }),
  ).toBeVisible();
  await expect(attention.getByRole("link", { name: /webhook items? in quarantine/ })).toBeVisible();
  const inDoubt = page.getByRole("table", { name: "In-doubt sends, oldest first" });
  const row = inDoubt
    .getByRole("row")
    .filter({ has: page.locator(`a[href$="/messages/${GLOBEX_IN_DOUBT}"]`) });
  await expect(row).toContainText("Held for an engineer");
  await row.getByRole("button", { name: /^Resolve/ }).click();
  const dialog = page.getByRole("dialog", { name: "Resolve in-doubt send" });
  await dialog.getByLabel("Give up").check();
  await expect(dialog.getByRole("textbox", { name: "wamid" })).toHaveCount(0);
  await dialog.getByLabel("Reason").fill("Meta has no record of this call");
  await dialog.getByRole("button", { name: "Resolve" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Attempt 1 given up" })).toBeVisible();
  await expect(row).toHaveCount(0);
  await page.goto(`/t/globex/messages/${GLOBEX_IN_DOUBT}`);
  const timeline = page.getByRole("list", { name: "Ledger events, in ledger order" });
  await expect(timeline.getByText("Reason: Meta has no record of this call")).toBeVisible();

  // 2. Sender numbers: pause Globex Care, then resume it; set and clear its maximum rate
  await page.goto("/t/globex/senders");
  await expect(page.getByRole("heading", { level: 1, name: "Sender numbers" })).toBeVisible();
  const numbers = page.getByRole("table", { name: "Sender numbers" });
  const care = numbers.getByRole("row").filter({ hasText: GLOBEX_CARE });
  await expect(care).toContainText("Sending");
  await care.getByRole("button", { name: `Pause sending for ${GLOBEX_CARE}` }).click();
  const pause = page.getByRole("dialog", { name: "Pause sending" });
  await pause.getByLabel("Reason").fill("Meta flagged the number; checking the template");
  await pause.getByRole("button", { name: "Pause sending" }).click();
  await expect(pause).toBeHidden();
  await expect(care).toContainText("Paused");
  await expect(care).toContainText("Meta flagged the number; checking the template");
  await screenshot(page, "senders-paused");
  await expectAccessible(page);
  // Operations names the paused number first and links back to its row
  await page.goto("/operations");
  await page
    .getByRole("list", { name: "Needs attention" })
    .getByRole("link", { name: `${GLOBEX_CARE} (globex) is paused: its queue waits` })
    .click();
  await expect(page).toHaveURL(/\/t\/globex\/senders#sender-/);
  await care.getByRole("button", { name: `Resume sending for ${GLOBEX_CARE}` }).click();
  const resume = page.getByRole("dialog", { name: "Resume sending" });
  await resume.getByLabel("Reason").fill("Template fixed");
  await resume.getByRole("button", { name: "Resume sending" }).click();
  await expect(resume).toBeHidden();
  await expect(
    page.getByRole("status").filter({ hasText: `Sending resumed for ${GLOBEX_CARE}` }),
  ).toBeVisible();
  await expect(care).not.toContainText("Paused");

  await care.getByRole("button", { name: `Set rate for ${GLOBEX_CARE}` }).click();
  const rate = page.getByRole("dialog", { name: "Set maximum rate" });
  await rate.getByLabel("Messages per second").fill("0");
  await rate.getByLabel("Reason").fill("Meta lowered the throughput level");
  await rate.getByRole("button", { name: "Set rate" }).click();
  await expect(rate.getByText("Must be above 0.")).toBeVisible();
  await rate.getByLabel("Messages per second").fill("20");
  await rate.getByRole("button", { name: "Set rate" }).click();
  await expect(rate).toBeHidden();
  await expect(care).toContainText("at most 20/s");
  await care.getByRole("button", { name: `Set rate for ${GLOBEX_CARE}` }).click();
  await rate.getByLabel("Use the platform's default rate").check();
  await rate.getByLabel("Reason").fill("Back to the default");
  await rate.getByRole("button", { name: "Set rate" }).click();
  await expect(rate).toBeHidden();
  await expect(care).toContainText("the platform's default");

  // 3. a stored request, from Operations to its body, then a replay and its outcome
  await page.goto("/operations");
  await page.getByRole("link", { name: "Stored requests" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Webhook requests" })).toBeVisible();
  const filters = page.getByRole("form", { name: "Filter webhook requests" });
  await filters.getByLabel("Status").selectOption({ label: "Processed" });
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=processed/);
  const requests = page.getByRole("table", { name: "Webhook requests" });
  await expect(requests.getByRole("row").nth(1)).toContainText("new fact");
  await screenshot(page, "webhook-requests");
  await expectAccessible(page);
  await requests.getByRole("row").nth(1).getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: "Webhook request" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Request body" })).toContainText("whatsapp_business_account");
  await page.getByRole("button", { name: "Replay request" }).click();
  const replay = page.getByRole("dialog", { name: "Replay request" });
  await replay.getByLabel("Reason").fill("Check the parser after the fix");
  await replay.getByRole("button", { name: "Replay request" }).click();
  await expect(replay).toBeHidden();
  await page.getByRole("link", { name: "Follow the replay" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Replay" })).toBeVisible();
  await expect(page.getByText("Check the parser after the fix")).toBeVisible();
  // the worker processes it again: what it already delivered counts as duplicates
  await expect(page.getByRole("status").filter({ hasText: "Done" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("table", { name: "Requests in this replay" })).toContainText(/\d+ duplicates?/);
  await screenshot(page, "replay");
  await expectAccessible(page);

  // 4. the audit log (in the sidebar for engineers): the pause above, found by actor and action,
  // and the same filter exported as CSV
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  const auditFilters = page.getByRole("form", { name: "Filter audit events" });
  await auditFilters.getByLabel("Filter by actor").fill("ENGINEER@waybill");
  await auditFilters.getByLabel("Filter by action").fill("sending.sender_paused");
  await auditFilters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/actor=ENGINEER%40waybill/);
  const audit = page.getByRole("table", { name: "Audit events" });
  await expect(audit.getByText("Meta flagged the number; checking the template")).toBeVisible();
  await expect(audit.getByRole("row")).toHaveCount(2); // header + the one pause
  await screenshot(page, "audit");
  await expectAccessible(page);
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute(
    "href",
    "/audit/export?action=sending.sender_paused&actor=ENGINEER%40waybill",
  );
  const exported = await page.request.get(
    "/audit/export?action=sending.sender_paused&actor=ENGINEER%40waybill",
  );
  expect(exported.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect(exported.headers()["content-disposition"]).toMatch(
    /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  const lines = (await exported.text()).trim().split("\r\n");
  expect(lines[0]).toBe("time_utc,action,actor,tenant,target_type,target_id,reason,ip,details");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain("sending.sender_paused,user:engineer@waybill.local,Globex");
});

tenantAdminTest("a tenant admin reads its numbers without controls", async ({ page }) => {
  await page.goto("/t/acme/senders");
  const numbers = page.getByRole("table", { name: "Sender numbers" });
  await expect(numbers).toContainText("+15550101001");
  await expect(page.getByText(/read only: engineers pause, resume and set the rate/)).toBeVisible();
  for (const name of [/^Pause/, /^Resume/, /^Set rate/]) {
    await expect(numbers.getByRole("button", { name })).toHaveCount(0);
  }
  expect((await page.goto("/operations/requests"))?.status()).toBe(404);
  expect((await page.goto("/audit"))?.status()).toBe(404);
  expect((await page.request.get("/audit/export")).status()).toBe(404);
});

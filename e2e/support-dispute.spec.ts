// A support agent settles a delivery dispute: finds the message, reads its timeline, opens a
// dispute with the ticket, adds a note, exports evidence that verifies offline (and fails once
// tampered with), records the outcome and resolves it. A tenant admin sees masked numbers and
// cannot open another tenant's message by URL.
import fs from "node:fs";
import { parseEvidenceFile, verifyEvidenceBundle } from "@/server/services/evidence-verify";
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

// demo messages seeded by prisma/seed.ts (tests/factories/messages.ts DEMO_MESSAGE_IDS)
const ACME_READ_AFTER_FAILED = "d2a97e46-1c58-4b3f-8e70-3b9f5a1ca003";
const ACME_READ = "5b1e0c3a-2f47-4d8e-9a61-0c7d3e2fa001";
const GLOBEX_READ = "f4d81b63-7a2e-4f95-8c16-2a9b6e5db001";

const supportTest = asRole("support_agent");
const tenantAdminTest = asRole("tenant_admin");

supportTest("resolves a dispute with evidence that verifies", async ({ page }) => {
  // eight pages, each photographed twice and checked by axe, and an evidence export: more than the
  // default minute on a loaded machine
  supportTest.slow();
  // 0. every tenant at once; a message opened there lands under its own tenant
  await page.goto("/t/all/messages?recipient=4567");
  const everywhere = page.getByRole("table", { name: "Messages" });
  await expect(everywhere.getByRole("columnheader", { name: "Tenant" })).toBeVisible();
  await expect(everywhere).toContainText("Globex");
  await expect(everywhere).toContainText("Acme");
  await screenshot(page, "messages-all-tenants");
  await expectAccessible(page);
  await page.goto(`/t/all/messages/${ACME_READ_AFTER_FAILED}`);
  await expect(page).toHaveURL(new RegExp(`/t/acme/messages/${ACME_READ_AFTER_FAILED}$`));

  // 1. search: the customer's full number
  await page.goto("/t/acme/messages");
  await expect(page.getByRole("heading", { level: 1, name: "Messages" })).toBeVisible();
  const search = page.getByRole("form", { name: "Search messages" });
  await search.getByText("More filters").click();
  await search.getByLabel("Recipient").fill("+1 555 000 4567");
  await search.getByRole("button", { name: "Search", exact: true }).last().click();
  await expect(page).toHaveURL(/recipient=%2B15550004567/);
  const results = page.getByRole("table", { name: "Messages" });
  await expect(results.getByRole("row")).toHaveCount(2); // header + the one message
  await expect(results).toContainText("+1555•••4567");
  await expect(results).toContainText("Read");
  await screenshot(page, "support-messages-search");
  await expectAccessible(page);

  // 2. the timeline: why is it read although a failure came in?
  await results.getByRole("link", { name: /appointment_reminder/ }).click();
  await expect(page).toHaveURL(new RegExp(`/t/acme/messages/${ACME_READ_AFTER_FAILED}$`));
  await expect(page.getByRole("heading", { name: "Why is this read?" })).toBeVisible();
  await expect(page.getByText("read: provider reported read for attempt 1")).toBeVisible();
  await expect(page.getByText("Read after a failure")).toBeVisible();
  const timeline = page.getByRole("list", { name: "Ledger events, in ledger order" });
  await expect(timeline.getByText("Duplicate: received 2 times over 2 days")).toBeVisible();
  await expect(timeline.getByText(/Out of order: arrived after #4/).first()).toBeVisible();
  await expect(page.getByText("Chain intact")).toBeVisible();
  // raw payloads for support, numbers still masked
  await expect(page.getByRole("region", { name: "canonical request JSON" })).toContainText("+1555•••4567");
  await screenshot(page, "support-message-timeline");
  await expectAccessible(page);

  // 3. open a dispute with the ticket reference
  await page.getByRole("button", { name: "Open dispute" }).click();
  const openDialog = page.getByRole("dialog", { name: "Open a dispute" });
  await openDialog.getByLabel("Ticket reference").fill("ZD-4821");
  await openDialog.getByLabel(/What the tenant says/).fill("Customer says the reminder never arrived");
  await openDialog.getByRole("button", { name: "Open dispute" }).click();
  await expect(openDialog).toBeHidden();
  const dispute = page.getByRole("region", { name: "Dispute ZD-4821" });
  await expect(dispute.getByText("Status: Open")).toBeVisible();
  await expect(timeline).toContainText(
    "Dispute opened (ticket ZD-4821): Customer says the reminder never arrived",
  );

  // 4. a note
  await dispute
    .getByRole("textbox", { name: "Dispute note" })
    .fill("Read receipt at 10 s after sending; the failure was a second device");
  await dispute.getByRole("button", { name: "Add note" }).click();
  await expect(dispute.getByRole("list", { name: "Notes on ticket ZD-4821" })).toContainText("second device");
  await expect(timeline).toContainText("Dispute note (ticket ZD-4821)");

  // 5. evidence: one click downloads the bundle; it verifies, and a tampered copy does not
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export evidence" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`evidence-${ACME_READ_AFTER_FAILED}.json`);
  const text = fs.readFileSync(await download.path(), "utf8");
  const bundle = parseEvidenceFile(text) as {
    message: { recipient: string };
    derivation: { state: string };
    ledger: { events: { seq: number; event: { type: string; providerTimestamp: number | null } }[] };
    disputes: { ticketRef: string }[];
  };
  expect(bundle.message.recipient).toBe("+15550004567");
  expect(bundle.derivation.state).toBe("read");
  expect(bundle.disputes.map((d) => d.ticketRef)).toEqual(["ZD-4821"]);
  const verified = verifyEvidenceBundle(bundle);
  expect(verified.checks.filter((c) => !c.ok)).toEqual([]);
  expect(verified.ok).toBe(true);
  const tampered = structuredClone(bundle);
  tampered.ledger.events[4]!.event.providerTimestamp = 0;
  const broken = verifyEvidenceBundle(tampered);
  expect(broken.ok).toBe(false);
  expect(broken.brokenEvent).toMatchObject({ seq: 5, reason: "hash_mismatch" });
  await expect(
    page.getByText(`npm run waybill -- evidence:verify evidence-${ACME_READ_AFTER_FAILED}.json`),
  ).toBeVisible();

  // 6. the outcome, then resolve
  await dispute.getByRole("button", { name: "Record outcome" }).click();
  const outcomeDialog = page.getByRole("dialog", { name: "Record the outcome" });
  await outcomeDialog.getByRole("combobox", { name: "Outcome" }).selectOption("delivered");
  await outcomeDialog
    .getByLabel("Evidence summary")
    .fill("status read for attempt 1; chain intact; bundle verified");
  await outcomeDialog.getByRole("button", { name: "Record outcome" }).click();
  await expect(outcomeDialog).toBeHidden();
  await expect(dispute).toContainText("Outcome: Delivered");
  await dispute.getByRole("button", { name: "Resolve dispute" }).click();
  const resolveDialog = page.getByRole("dialog", { name: "Resolve the dispute" });
  await resolveDialog.getByLabel("Resolution note").fill("Evidence sent to the tenant with the ticket");
  await resolveDialog.getByRole("button", { name: "Resolve dispute" }).click();
  await expect(resolveDialog).toBeHidden();
  await expect(dispute.getByText("Status: Resolved")).toBeVisible();
  await expect(dispute.getByRole("button", { name: "Resolve dispute" })).toHaveCount(0);
  await expect(timeline).toContainText("Dispute resolved (ticket ZD-4821) as delivered");

  // 7. the disputes list
  await page.goto("/t/acme/disputes");
  await expect(page.getByRole("heading", { level: 1, name: "Disputes" })).toBeVisible();
  const disputes = page.getByRole("table", { name: "Disputes" });
  const row = disputes.getByRole("row").filter({ hasText: "ZD-4821" });
  await expect(row).toContainText("Resolved");
  await expect(row).toContainText("Delivered");
  await screenshot(page, "support-disputes");
  await expectAccessible(page);
  await page.getByRole("form", { name: "Filter disputes" }).getByLabel("Status").selectOption("open");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=open/);
  await expect(page.getByRole("table", { name: "Disputes" }).getByText("ZD-4821")).toHaveCount(0);
});

tenantAdminTest("sees masked numbers and cannot open another tenant's message by URL", async ({ page }) => {
  await page.goto("/t/acme/messages");
  const results = page.getByRole("table", { name: "Messages" });
  await expect(results).toContainText("+4477••••0123");
  expect(await page.content()).not.toContain("447700900123");

  await page.goto(`/t/acme/messages/${ACME_READ}`);
  await expect(page.getByRole("heading", { name: "Why is this read?" })).toBeVisible();
  // no raw payloads for a tenant admin; the number stays masked until revealed (audited)
  await expect(page.getByRole("region", { name: "canonical request JSON" })).toHaveCount(0);
  await expect(page.getByText("+4477••••0123").first()).toBeVisible();
  await page.getByRole("button", { name: /Reveal the recipient's number/ }).click();
  await expect(page.getByText("+447700900123")).toBeVisible();
  await expect(page.getByText("Revealed; recorded in the audit log.")).toBeVisible();

  // another tenant's slug: refused by the tenant wall before anything renders
  const wall = await page.goto(`/t/globex/messages/${GLOBEX_READ}`);
  expect(wall?.status()).toBe(404);
  await expect(page.getByText("This tenant doesn't exist or is outside your access")).toBeVisible();
  // another tenant's message id under its own tenant: a real 404, like an id that never existed,
  // and nothing of the message shows
  const foreign = await page.goto(`/t/acme/messages/${GLOBEX_READ}`);
  expect(foreign?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Message not available" })).toBeVisible();
  for (const text of ["outage_alert", "15550024567", "Globex"]) {
    expect(await page.content(), text).not.toContain(text);
  }
});

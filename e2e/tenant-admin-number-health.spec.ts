// A tenant admin reads a number Meta flagged and then restricted: from the number health page to
// the number's own page, where the flag, the restriction with its expiry, the limit pill and the
// timeline of facts with their sources are shown; sending is explained (templates wait, replies
// go); there is no override form for a tenant admin. An engineer sees the form and support the
// all-tenants list of numbers that are not healthy. Data: the demo seed (tests/factories/insights.ts:
// Acme Promotions flagged, then the account's business-initiated messaging restricted for 12 h).
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

const adminTest = asRole("tenant_admin");
const engineerTest = asRole("engineer");
const supportTest = asRole("support_agent");

const PROMOTIONS = "+15550101002";

adminTest("reads a number that was flagged and then restricted", async ({ page }) => {
  await page.goto("/t/acme/health");
  await page.getByRole("link", { name: `Health details of ${PROMOTIONS}` }).click();
  await expect(page).toHaveURL(/\/t\/acme\/health\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Number health" })).toBeVisible();

  // the pill and the sending decision (the e2e server turns off the demo simulator's timed limit
  // changes, and its reads of this number report what the seed says: 250)
  await expect(
    page.getByRole("note", { name: `Messaging limit of ${PROMOTIONS}: Limit: 250 per 24 h` }),
  ).toHaveText("Limit: 250 per 24 h");
  const sending = page.getByRole("region", { name: `Sending from ${PROMOTIONS} (Acme Promotions)` });
  await expect(sending).toContainText("Business-initiated messaging restricted by Meta until");
  await expect(sending).toContainText("template messages wait");
  await expect(sending).not.toContainText("Every message waits");

  // each aspect, dated, with its source
  const aspects = page.getByRole("definition");
  const health = page.locator(`dl[aria-label="Health of ${PROMOTIONS} (Acme Promotions)"]`);
  await expect(health).toBeVisible();
  await expect(aspects.filter({ hasText: "Low (red)" })).toContainText("from webhook");
  await expect(aspects.filter({ hasText: "Flagged" }).first()).toContainText("sending goes on");
  const restrictions = page.getByRole("list", { name: `Active restrictions of ${PROMOTIONS}` });
  await expect(restrictions).toContainText("Business-initiated messaging");
  await expect(restrictions).toContainText(/until \S+/);
  await expect(aspects.filter({ hasText: "Limit: 250 per 24 h" }).first()).toContainText("as of");

  // the timeline: newest first, each fact with its source. The worker's Graph API sync adds facts
  // of its own (throughput, connection, name) every five minutes, so the seeded facts are found by
  // what they say, and their order is checked among themselves: restricted after the flag.
  const facts = page.getByRole("list", { name: `Health facts of ${PROMOTIONS}` });
  const items = facts.getByRole("listitem");
  const restricted = items.filter({ hasText: "Restricted: Business-initiated messaging until" });
  await expect(restricted).toHaveCount(1);
  await expect(restricted).toContainText("Source: Webhook");
  const texts = await items.allTextContents();
  const restrictedAt = texts.findIndex((t) => t.includes("Restricted: Business-initiated messaging"));
  const flaggedAt = texts.findIndex((t) => t.includes("Flagged for low quality"));
  expect(flaggedAt).toBe(restrictedAt + 1);
  await expect(facts).toContainText("Flag lifted");
  await expect(facts).toContainText("Limit: 250 per 24 h");

  // a tenant admin reads the override but cannot set one
  await expect(page.getByText("No override: the number's health decides.")).toBeVisible();
  await expect(page.getByRole("form", { name: "Set the override" })).toHaveCount(0);
  await screenshot(page, "number-health-detail");
  await expectAccessible(page);
});

engineerTest(
  "an engineer holds a number with a reason and sees it on the page and in its history",
  async ({ page }) => {
    await page.goto("/t/acme/health");
    await page.getByRole("link", { name: "Health details of +15550101001" }).click();
    const form = page.getByRole("form", { name: "Set the override" });
    await form.getByLabel("Decision").selectOption("hold");
    await form.getByLabel("For").selectOption("1");
    await form.getByLabel("Reason").fill("rotating the access token");
    await form.getByRole("button", { name: "Set override" }).click();
    await expect(form.getByText("Override set.")).toBeVisible();
    await expect(page.getByLabel("Current override")).toContainText("Held by an operator");
    await expect(page.getByLabel("Current override")).toContainText("rotating the access token");
    const sending = page.getByRole("region", { name: "Sending from +15550101001 (Acme Support)" });
    await expect(sending).toContainText("Every message waits: held by an operator until");
    const facts = page.getByRole("list", { name: "Health facts of +15550101001" });
    await expect(facts.getByRole("listitem").first()).toContainText("Source: Operator");
    // cleared again, so other journeys find the number sending
    await form.getByLabel("Reason").fill("token rotated");
    await form.getByRole("button", { name: "Clear override" }).click();
    await expect(form.getByText("Override cleared.")).toBeVisible();
    await expect(page.getByText("No override: the number's health decides.")).toBeVisible();
  },
);

supportTest("support lists every number that is not healthy, across tenants", async ({ page }) => {
  await page.goto("/t/all/health");
  const table = page.getByRole("table", { name: "Numbers that are not healthy" });
  await expect(table).toContainText(PROMOTIONS);
  const row = table.getByRole("row", { name: new RegExp(PROMOTIONS.replace("+", "\\+")) });
  await expect(row).toContainText("Flagged");
  await expect(row).toContainText("Restricted: Business-initiated messaging");
  await row.getByRole("link", { name: PROMOTIONS }).click();
  await expect(page).toHaveURL(/\/t\/acme\/health\/[0-9a-f-]{36}$/);
});

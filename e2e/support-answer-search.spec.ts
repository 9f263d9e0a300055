// A support agent answers a ticket: the message's answer comes first, in a named time zone, and
// copies into the ticket as one sentence; the one search box finds a message by its wamid pasted
// without the "wamid." prefix and opens it; an empty search says what was searched and what to
// try; the page fits a 390 px phone, where the search is one box and its filters stay folded.
import { asRole, expect, expectAccessible, expectNoSidewaysScroll, screenshot } from "./fixtures";

const ACME_READ = "5b1e0c3a-2f47-4d8e-9a61-0c7d3e2fa001";
const ACME_FAILED = "8c4f2d71-6b3a-4e05-b2d9-1e6a7c4fa002";

const supportTest = asRole("support_agent");

supportTest("answers first, copies for the ticket, finds by a bare wamid", async ({ page, context }) => {
  supportTest.slow();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);

  // 1. the answer first, naming its zone, with UTC beside it
  await page.goto(`/t/acme/messages/${ACME_READ}`);
  const answer = page.getByTestId("answer-sentence");
  await expect(answer).toContainText(/^Delivered to the handset \d{1,2} \w{3} \d\d:\d\d:\d\d /);
  await expect(answer).toContainText(/, read \d/);

  // 2. a saved time zone names itself; the UTC toggle is a button (works on touch)
  const zone = page.getByLabel("Time zone");
  await zone.selectOption("Asia/Tokyo");
  await expect(answer).toContainText(/GMT\+9 \(\d\d:\d\d:\d\d UTC\)/);
  await page.getByRole("button", { name: "Show UTC" }).first().click();
  await expect(answer).toContainText(/\d\d:\d\d:\d\d UTC, read/);
  await expect(answer).not.toContainText("GMT+9");
  await page.getByRole("button", { name: "Show my time zone" }).first().click();
  await expect(answer).toContainText("GMT+9");

  // 3. copy for ticket: exactly the sentence on screen
  await page.getByRole("button", { name: "Copy for ticket" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Copied to the clipboard" })).toBeAttached();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await answer.innerText());
  await screenshot(page, "support-answer-first-1440");
  await expectAccessible(page);

  // 4. a failure's answer and why-box carry the cause and the next step
  await page.goto(`/t/acme/messages/${ACME_FAILED}`);
  await expect(answer).toContainText(/^Failed .*: 131026, .*; reach the person another way$/);
  await expect(page.getByText("Next step:")).toBeVisible();

  // 5. the wamid, pasted without its prefix, opens the message
  await page.goto(`/t/acme/messages/${ACME_READ}`);
  const wamid = (
    await page
      .getByRole("button", { name: "Copy wamid of attempt 1" })
      .locator("xpath=preceding-sibling::span[1]")
      .innerText()
  ).trim();
  expect(wamid.startsWith("wamid.")).toBe(true);
  await page.goto("/t/acme/messages");
  const search = page.getByRole("form", { name: "Search messages" });
  await search.getByRole("searchbox", { name: "Search" }).fill(wamid.slice("wamid.".length));
  await search.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/t/acme/messages/${ACME_READ}$`));

  // 6. nothing found: what was searched, and what to try
  await page.goto("/t/acme/messages?q=ZD-NOPE-1");
  await expect(page.getByRole("heading", { name: "Nothing found for “ZD-NOPE-1”" })).toBeVisible();
  await expect(page.getByText(/Searched Acme for a wamid .* or a dispute ticket reference/)).toBeVisible();
  await expect(page.getByRole("link", { name: "Search all tenants" })).toHaveAttribute(
    "href",
    /\/t\/all\/messages\?q=ZD-NOPE-1/,
  );

  // 7. the filter form folds under "More filters"
  await page.goto("/t/acme/messages");
  await expect(search.getByLabel("Recipient")).toBeHidden();
  await search.getByText("More filters").click();
  await expect(search.getByLabel("Recipient")).toBeVisible();
  await screenshot(page, "support-message-search-1440");
  await expectAccessible(page);

  // 8. a 390 px phone: nothing runs off the side
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of [`/t/acme/messages/${ACME_READ}`, "/t/acme/messages"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoSidewaysScroll(page, path);
  }
  // the search on a phone: one search box and its button; the other filters stay folded under
  // "More filters", even when one is set (the summary counts it), and nothing runs off the side
  for (const [path, summary] of [
    ["/t/acme/messages", "More filters"],
    ["/t/acme/messages?recipient=4567", "More filters · 1 set"],
  ] as const) {
    await page.goto(path);
    await expect(search.getByRole("searchbox")).toHaveCount(1);
    await expect(search.getByRole("searchbox", { name: "Search" })).toBeVisible();
    await expect(search.getByRole("button", { name: "Search", exact: true })).toBeVisible();
    await expect(search.locator("summary")).toHaveText(summary);
    await expect(search.locator("details")).not.toHaveAttribute("open");
    await expect(search.getByLabel("Recipient")).toBeHidden();
    await expectNoSidewaysScroll(page, path);
  }
  await expectAccessible(page);
  await page.goto(`/t/acme/messages/${ACME_READ}`);
  await screenshot(page, "support-answer-first-390");
  await expectAccessible(page);

  // leave the account's zone as the seed had it
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByLabel("Time zone").selectOption("");
  await expect(page.getByLabel("Time zone")).toHaveValue("");
});

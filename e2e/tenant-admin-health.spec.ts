// A tenant admin watches their numbers: Acme's number health (charts, both numbers, what the
// errors mean, the troubled number's quality and limit history, the window in the URL), then the
// heatmaps, where a cell opened from the keyboard lands on the message search with its filters;
// another tenant's pages and the all-tenants heatmap are not found. An engineer reads every
// tenant's failures over time. Data: the demo seed (tests/factories/insights.ts).
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

const adminTest = asRole("tenant_admin");
const engineerTest = asRole("engineer");

const PROMOTIONS = "+15550101002";
const SUPPORT = "+15550101001";

adminTest(
  "reads Acme's number health and drills from a heatmap cell into the failed messages",
  async ({ page }) => {
    // 1. number health: one section per number, with charts and plain-language hints
    await page.goto("/t/acme/health");
    await expect(page.getByRole("heading", { level: 1, name: "Number health" })).toBeVisible();
    const promotions = page.getByRole("region", { name: `Health of ${PROMOTIONS} (Acme Promotions)` });
    const support = page.getByRole("region", { name: `Health of ${SUPPORT} (Acme Support)` });
    await expect(support).toBeVisible();
    const outcomes = promotions.getByRole("figure", { name: `Outcomes over time, ${PROMOTIONS}` });
    await expect(outcomes.locator(".recharts-surface")).toBeVisible();
    await expect(
      promotions.getByRole("figure", { name: `Failures by error code, ${PROMOTIONS}` }),
    ).toBeVisible();
    const hints = promotions.getByRole("list", { name: `What the errors of ${PROMOTIONS} mean` });
    await expect(hints).toContainText("131049");
    await expect(hints).toContainText("Meta capped marketing messages to this user");
    await expect(hints).toContainText("131047");
    await expect(hints).toContainText("More than 24 hours since the recipient's last message");
    await expect(
      promotions.getByRole("list", { name: `Quality and limit history of ${PROMOTIONS}` }),
    ).toContainText("Messaging limit lowered: 1K → 250 per 24 h");
    await expect(page.getByText("+15550202001")).toHaveCount(0); // Globex's numbers are not here
    await expect(page.getByRole("table", { name: "Templates" })).toContainText("spring_sale");

    // the window lives in the URL
    await page.getByRole("navigation", { name: "Time window" }).getByRole("link", { name: "7 days" }).click();
    await expect(page).toHaveURL(/\/t\/acme\/health\?window=7d$/);
    await expect(
      page.getByRole("navigation", { name: "Time window" }).getByRole("link", { name: "7 days" }),
    ).toHaveAttribute("aria-current", "page");
    await expect(
      promotions.getByRole("figure", { name: `Messaging limit and quality, ${PROMOTIONS}` }),
    ).toBeVisible();
    await expect(promotions.locator(".recharts-surface").first()).toBeVisible();
    await screenshot(page, "health");
    await expectAccessible(page);

    // 2. heatmaps: cells are links; focusing one tells what it holds
    await page.goto("/t/acme/heatmaps?window=7d");
    await expect(page.getByRole("heading", { level: 1, name: "Heatmaps" })).toBeVisible();
    const bySender = page.getByRole("figure", { name: "Failures by sender number" });
    await expect(bySender.locator(".recharts-surface")).toBeVisible();
    const promotionsCells = bySender.getByRole("link", {
      name: new RegExp(`^\\${PROMOTIONS}, .* failures? of `),
    });
    await expect(promotionsCells.first()).toBeVisible();
    expect(await promotionsCells.count()).toBeGreaterThan(3);
    await promotionsCells.first().focus();
    await expect(bySender.locator("[aria-live=polite]")).toContainText(PROMOTIONS);
    // a link per failure outcome the cell holds; which outcomes the first cell holds depends on
    // where the 7-day window starts against the seed's clock
    await expect(bySender.locator("[aria-live=polite]")).toContainText(
      /Open \d+ (failed|dead-lettered|rejected)/,
    );
    const byCode = page.getByRole("figure", { name: "Failures by error code" });
    await expect(byCode.locator(".recharts-surface")).toBeVisible();
    await expect(page.getByRole("list", { name: "Colour scale" }).first()).toContainText("No failures");
    await screenshot(page, "heatmaps");
    await expectAccessible(page);

    // 3. drill-down: a 131049 cell opens the message search for exactly its messages
    const cell = byCode.getByRole("link", { name: /^131049, .*Opens the \d+ failed messages$/ }).first();
    const name = (await cell.getAttribute("aria-label")) ?? "";
    const count = Number(/Opens the (\d+) failed messages/.exec(name)?.[1]);
    expect(count).toBeGreaterThan(0);
    await cell.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/t\/acme\/messages\?.*error=131049/);
    await expect(page).toHaveURL(/state=failed/);
    await expect(page).toHaveURL(/from=.*&to=/);
    const search = page.getByRole("form", { name: "Search messages" });
    await expect(search.getByLabel("Error code")).toHaveValue("131049");
    await expect(search.getByLabel("State")).toHaveValue("failed");
    const results = page.getByRole("table", { name: "Messages" });
    await expect(results.getByRole("row")).toHaveCount(count + 1); // header + exactly the cell's messages
    await expect(results).toContainText("131049");
  },
);

for (const path of ["/t/globex/health", "/t/globex/heatmaps", "/t/all/heatmaps"]) {
  adminTest(`is refused ${path}`, async ({ page }) => {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(
      page.getByRole("heading", { name: "This tenant doesn't exist or is outside your access" }),
    ).toBeVisible();
    await expect(page.getByText("Globex")).toHaveCount(0);
  });
}

engineerTest("reads every tenant's failures over time and opens one tenant's", async ({ page }) => {
  await page.goto("/t/all/heatmaps?window=7d");
  const map = page.getByRole("figure", { name: "Failures by tenant" });
  await expect(map.locator(".recharts-surface")).toBeVisible();
  const acmeCells = map.getByRole("link", { name: /^Acme, .*mostly \d+/ });
  await expect(acmeCells.first()).toBeVisible();
  await expect(map.getByRole("link", { name: /^Globex, / }).first()).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Tenants' heatmaps" })).toContainText("Globex: heatmaps");
  await expect(page.getByRole("list", { name: "Quality and limit changes in this window" })).toContainText(
    "Messaging limit lowered: 1K → 250 per 24 h",
  );
  await screenshot(page, "heatmaps-all-tenants");
  await expectAccessible(page);

  // the same window, every tenant's number health side by side
  await page.goto("/t/all/health?window=7d");
  const tenants = page.getByRole("table", { name: "Number health by tenant" });
  await expect(tenants).toContainText("Acme");
  await expect(tenants).toContainText("131049");

  // a cell opens that tenant's messages for the period
  await page.goto("/t/all/heatmaps?window=7d");
  await map
    .getByRole("link", { name: /^Acme, / })
    .first()
    .click();
  await expect(page).toHaveURL(/\/t\/acme\/messages\?.*state=/);
  await expect(page.getByRole("table", { name: "Messages" })).toBeVisible();
});

asRole("support_agent")(
  "is pointed to each tenant's heatmaps instead of the all-tenants one",
  async ({ page }) => {
    await page.goto("/t/all/heatmaps");
    await expect(page.getByRole("heading", { name: "Choose a tenant" })).toBeVisible();
    await expect(page.getByRole("figure", { name: "Failures by tenant" })).toHaveCount(0);
    await page.getByRole("link", { name: "Globex" }).click();
    await expect(page).toHaveURL(/\/t\/globex\/heatmaps$/);
    await expect(page.getByRole("figure", { name: "Failures by sender number" })).toBeVisible();
  },
);

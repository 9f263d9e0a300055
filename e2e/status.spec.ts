// System status: database and worker liveness, and a job round trip through the real worker.
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

const test = asRole("engineer");

test("shows the system operational and runs a job probe through the worker", async ({ page }) => {
  await page.goto("/status");
  await expect(page.getByText("Overall status: Operational")).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Run job probe" }).click();
  await expect(page.getByText(/Round trip: \d+ ms/)).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "status");
  await expectAccessible(page);
});

test("the health endpoint reports database and worker", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({ status: "ok", database: { ok: true }, worker: { ok: true } });
});

test("screenshots of each console area", async ({ page }) => {
  // seven pages, each photographed at two widths and checked by axe: more than a minute when loaded
  test.slow();
  for (const [path, heading] of [
    ["/t/all/messages", "Messages"],
    ["/t/all/disputes", "Disputes"],
    ["/t/acme/health", "Number health"],
    ["/t/all/heatmaps", "Heatmaps"],
    ["/t/all/dead-letters", "Dead letters"],
    ["/t/all/stalled", "Stalled & alerts"],
    ["/operations", "Operations"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await screenshot(page, path.replaceAll("/", "_").replace(/^_/, ""));
    await expectAccessible(page);
  }
});

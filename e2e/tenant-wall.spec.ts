// A tenant admin sees only their tenant, and cannot reach another tenant by URL or by API.
import { asRole, expect, expectAccessible, screenshot } from "./fixtures";

const test = asRole("tenant_admin");

test("sees their own tenant's number health", async ({ page }) => {
  await page.goto("/t/acme/health");
  await expect(page.getByRole("heading", { level: 1, name: "Number health" })).toBeVisible();
  await expect(page.getByText("+15550101001")).toBeVisible();
  await expect(page.getByText("+15550202001")).toHaveCount(0);
  await screenshot(page, "number-health-tenant-admin");
  await expectAccessible(page);
});

for (const path of [
  "/t/globex/health",
  "/t/globex/messages",
  "/t/all/messages",
  "/t/no-such-tenant/heatmaps",
]) {
  test(`is refused ${path}`, async ({ page }) => {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(
      page.getByRole("heading", { name: "This tenant doesn't exist or is outside your access" }),
    ).toBeVisible();
    await expect(page.getByText("Globex")).toHaveCount(0);
  });
}

test("is refused the admin and operations areas", async ({ page }) => {
  for (const path of ["/admin/tenants", "/admin/users", "/operations"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
  }
});

test("cannot read another tenant through the API either", async ({ page, request }) => {
  await page.goto("/t/acme/messages");
  const tenants = await page.request.get("/api/trpc/tenants.list");
  const body = JSON.stringify(await tenants.json());
  expect(body).toContain("acme");
  expect(body).not.toContain("globex");
  void request;
});

test("is refused every tenant at once through the API", async ({ page }) => {
  await page.goto("/t/acme/messages");
  // the scope rung's "all", on the reads the /t/all pages use (superjson's envelope)
  for (const path of ["messages.search", "alerts.counts", "disputes.list"]) {
    const input = encodeURIComponent(JSON.stringify({ json: { scope: "all" } }));
    const response = await page.request.get(`/api/trpc/${path}?input=${input}`);
    expect(response.status(), path).toBe(403);
    expect(JSON.stringify(await response.json()), path).not.toContain("globex");
  }
});

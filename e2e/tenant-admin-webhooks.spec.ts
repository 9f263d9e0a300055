// A tenant admin's first webhook, as a new user would set it up: the platform admin hands over an
// API key, the tenant admin subscribes a local endpoint to message.delivered in the console, sends
// a message through the REST API, and the endpoint receives exactly one signed event, after
// delivery and none at acceptance (the simulator duplicates half of its webhooks for this block
// of recipients). The attempt shows in the console, on the endpoints page and the message's page.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { test } from "@playwright/test";
import { expect, expectAccessible, screenshot, storageStateFor } from "./fixtures";

type TReceived = { headers: Record<string, string>; body: string; at: number };

async function startReceiver() {
  const received: TReceived[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
      );
      received.push({ headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/waybill-events`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test("a tenant admin subscribes an endpoint and receives one signed message.delivered, none at acceptance", async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    // the platform admin creates Acme's API key (shown once) and hands it over
    const adminContext = await browser.newContext({ storageState: storageStateFor("admin") });
    const adminPage = await adminContext.newPage();
    await adminPage.goto("/admin/tenants");
    await adminPage.getByRole("table", { name: "Tenants" }).getByRole("link", { name: "Acme" }).click();
    const keyForm = adminPage.getByRole("form", { name: "Create API key" });
    await keyForm.getByLabel("Key name").fill(`webhooks-e2e-${Date.now().toString(36)}`);
    await keyForm.getByRole("button", { name: "Create API key" }).click();
    const reveal = adminPage.getByRole("dialog", { name: "API key created" });
    const apiKey = await reveal.getByLabel("API key").inputValue();
    expect(apiKey).toMatch(/^wbk_/);
    await adminContext.close();

    // the tenant admin subscribes the endpoint to message.delivered only
    const context = await browser.newContext({ storageState: storageStateFor("tenant_admin") });
    const page = await context.newPage();
    await page.goto("/t/acme/webhooks");
    await page.getByLabel("URL").fill(receiver.url);
    await page.getByLabel("Description").fill("order follow-ups");
    await page.getByRole("checkbox", { name: /^message\.failed/ }).uncheck();
    await expect(page.getByRole("checkbox", { name: /^message\.delivered/ })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: /^message\.accepted/ })).not.toBeChecked();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.locator("code", { hasText: /^whsec_/ }).textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_/);
    await expect(page.getByRole("listitem", { name: `Endpoint ${receiver.url}` })).toContainText(
      "Events: message.delivered",
    );
    await screenshot(page, "tenant-admin-webhook-endpoint");
    await expectAccessible(page);

    // a message through the REST API: 202 is acceptance, not delivery
    const to = `+15550007${String(Date.now()).slice(-3)}`;
    const sent = await request.post("/api/v1/messages", {
      headers: { Authorization: `Bearer ${apiKey}`, "Idempotency-Key": `e2e-webhooks-${Date.now()}` },
      data: { from: "+15550101001", to, type: "text", text: { body: "Your order shipped" } },
    });
    expect(sent.status()).toBe(202);
    const messageId = ((await sent.json()) as { id: string }).id;
    expect(receiver.received).toHaveLength(0);

    // wait for Meta's delivered status (the simulator's webhook) in the tenant API
    await expect(async () => {
      const got = await request.get(`/api/v1/messages/${messageId}`, {
        headers: { Authorization: `Bearer ${apiKey}` },
      });
      const body = (await got.json()) as { state: string };
      expect(body.state).toBe("delivered");
    }).toPass({ timeout: 60_000, intervals: [500, 1_000] });
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(1);
    // duplicated webhooks and later statuses must not fire it again
    await new Promise((r) => setTimeout(r, 5_000));
    expect(receiver.received).toHaveLength(1);

    const [event] = receiver.received;
    const verified = new Webhook(secret).verify(event!.body, event!.headers) as {
      type: string;
      data: { messageId: string; state: string; recipient: string; inferred: boolean };
    };
    expect(verified.type).toBe("message.delivered");
    expect(verified.data).toMatchObject({ messageId, state: "delivered", inferred: false });
    // recipients are masked unless the endpoint asks for full numbers
    expect(verified.data.recipient).toContain("•");
    expect(verified.data.recipient).not.toBe(to);
    expect(event!.headers["webhook-id"]).toMatch(/^evt_/);

    // the attempt in the console: the endpoints page and the message's page
    await page.reload();
    const deliveries = page.getByRole("table", { name: "Recent deliveries" });
    await expect(deliveries).toContainText("message.delivered");
    await expect(deliveries).toContainText("1 attempt (last 204)");
    await screenshot(page, "tenant-admin-webhook-deliveries");
    await expectAccessible(page);
    await page.goto(`/t/acme/messages/${messageId}`);
    const attempts = page.getByRole("list", { name: `Attempts to ${receiver.url}` });
    await expect(attempts).toContainText("Attempt 1");
    await expect(attempts).toContainText("HTTP 204");
    await screenshot(page, "tenant-admin-message-triggers");
    await expectAccessible(page);
    await context.close();
  } finally {
    await receiver.close();
  }
});

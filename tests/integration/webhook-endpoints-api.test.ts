// /api/v1/endpoints through the real handlers and database: a tenant manages its endpoints with
// its API key (secret returned once, message.accepted only with a warning, https only), reads
// deliveries with their attempts, sends a test event and redelivers; another tenant's key sees
// none of it (404, ids cannot be probed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import * as api from "@/server/rest/endpoints";
import { startDeliveryLoop } from "@/server/services/triggers/deliver";
import { createLogger } from "@/server/platform/logger";
import { makeApiKey, makeTenant } from "../factories";
import { createTestDb, testSecretBox } from "../setup/context";
import { startReceiver, waitUntil, type TReceiver } from "../setup/webhook-receiver";

let db: TDb;
let deps: api.TEndpointRestDeps;
let receiver: TReceiver;
let acmeKey: string;
let globexKey: string;

beforeAll(async () => {
  db = createTestDb();
  deps = { db, box: testSecretBox, allowHttp: false, now: () => new Date() };
  receiver = await startReceiver();
  acmeKey = (await makeApiKey(db, (await makeTenant(db)).id)).apiKey;
  globexKey = (await makeApiKey(db, (await makeTenant(db)).id)).apiKey;
});
afterAll(async () => {
  await receiver.close();
  await db.$disconnect();
});

function req(key: string, method: string, path: string, body?: unknown) {
  return new Request(`http://localhost${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe("/api/v1/endpoints", () => {
  it("creates, lists, updates, rotates, tests and redelivers within the key's tenant only", async () => {
    const refused = await api.handleCreateEndpoint(
      deps,
      req(acmeKey, "POST", "/api/v1/endpoints", {
        url: "http://example.com/x",
        eventTypes: ["message.delivered"],
      }),
    );
    expect(refused.status).toBe(400);

    const created = await api.handleCreateEndpoint(
      deps,
      req(acmeKey, "POST", "/api/v1/endpoints", {
        url: receiver.url,
        eventTypes: ["message.delivered", "message.accepted"],
        description: "CRM",
      }),
    );
    expect(created.status).toBe(201);
    const body = (await created.json()) as { endpoint: { id: string }; secret: string; warnings: string[] };
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.warnings.join(" ")).toMatch(/Acceptance is not delivery/);
    const id = body.endpoint.id;

    const list = (await (
      await api.handleListEndpoints(deps, req(acmeKey, "GET", "/api/v1/endpoints"))
    ).json()) as {
      endpoints: { id: string; secret?: string }[];
    };
    expect(list.endpoints.map((e) => e.id)).toEqual([id]);
    expect(list.endpoints[0]).not.toHaveProperty("secret");

    // the other tenant cannot see, change or test it
    expect(
      (await api.handleGetEndpoint(deps, req(globexKey, "GET", `/api/v1/endpoints/${id}`), id)).status,
    ).toBe(404);
    expect(
      (await api.handleUpdateEndpoint(deps, req(globexKey, "PATCH", `/x`, { isEnabled: false }), id)).status,
    ).toBe(404);
    expect((await api.handleTestEndpoint(deps, req(globexKey, "POST", `/x`, {}), id)).status).toBe(404);
    const globexList = (await (await api.handleListEndpoints(deps, req(globexKey, "GET", "/x"))).json()) as {
      endpoints: unknown[];
    };
    expect(globexList.endpoints).toEqual([]);

    const patched = await api.handleUpdateEndpoint(
      deps,
      req(acmeKey, "PATCH", `/x`, { eventTypes: ["message.delivered", "message.read"] }),
      id,
    );
    expect(((await patched.json()) as { eventTypes: string[] }).eventTypes).toEqual([
      "message.delivered",
      "message.read",
    ]);

    const rotated = (await (
      await api.handleRotateSecret(deps, req(acmeKey, "POST", "/x", { overlapHours: 2 }), id)
    ).json()) as {
      secret: string;
    };
    expect(rotated.secret).not.toBe(body.secret);

    receiver.setBehaviour({ kind: "status", status: 503 });
    expect(
      (await api.handleTestEndpoint(deps, req(acmeKey, "POST", "/x", { type: "message.read" }), id)).status,
    ).toBe(202);
    const loop = startDeliveryLoop(
      { db, box: testSecretBox, log: createLogger("test", "error") },
      { concurrency: 4, timeoutMs: 2_000, pollMs: 20, disableAfterMs: 3_600_000, publicBaseUrl: null },
    );
    try {
      await waitUntil(async () => receiver.received.length === 1, "test event");
      const deliveries = (await (
        await api.handleListDeliveries(deps, req(acmeKey, "GET", "/x"), id)
      ).json()) as {
        deliveries: {
          id: string;
          status: string;
          webhookId: string;
          attempts: { responseStatus: number }[];
        }[];
      };
      await waitUntil(async () => {
        const d = (await (
          await api.handleListDeliveries(deps, req(acmeKey, "GET", "/x"), id)
        ).json()) as typeof deliveries;
        return d.deliveries[0]?.attempts.length === 1 ? d : undefined;
      }, "attempt recorded");
      const [delivery] = deliveries.deliveries;
      expect(delivery?.webhookId).toBe(receiver.received[0]?.headers["webhook-id"]);
      expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
        type: "message.read",
        data: { test: true },
      });

      receiver.setBehaviour({ kind: "status", status: 200 });
      const again = await api.handleRedeliver(
        deps,
        req(acmeKey, "POST", "/x", { deliveryId: delivery!.id }),
        id,
      );
      expect(again.status).toBe(202);
      expect(
        (await api.handleRedeliver(deps, req(globexKey, "POST", "/x", { deliveryId: delivery!.id }), id))
          .status,
      ).toBe(404);
      await waitUntil(async () => receiver.received.length === 2, "redelivery");
    } finally {
      await loop.stop();
    }

    expect((await api.handleDeleteEndpoint(deps, req(globexKey, "DELETE", "/x"), id)).status).toBe(404);
    expect((await api.handleDeleteEndpoint(deps, req(acmeKey, "DELETE", "/x"), id)).status).toBe(204);
  });
});

// Demo data for `npm start` (demo mode) and the e2e tests: two tenants with two sender numbers
// each, one user per role (and a tenant admin per tenant), one API key per tenant. Built with
// the same factories the integration tests use.
import type { TDb } from "@/server/db/client";
import type { TRole } from "@/server/domain/access/permissions";
import type { TSecretBox } from "@/server/platform/secret-box";
import type { TDemoCredentials } from "@/server/platform/local-state";
import type { TActor } from "@/server/services/actor";
import { authenticateApiKey, revokeApiKey } from "@/server/services/api-keys";
import { installProjectors } from "@/server/services/projectors";
import { makeApiKey, makeSenderNumber, makeTenant, makeUser } from "@/tests/factories";
import { seedDemoMessages } from "@/tests/factories/messages";
import { seedDemoOperations } from "@/tests/factories/operations";
import { seedDemoInsights } from "@/tests/factories/insights";

const SEED_ACTOR: TActor = { kind: "system", label: "demo-seed" };
export const DEMO_PASSWORD = "waybill-demo-2026";
const DEMO_KEY_NAME = "Demo key";

export const DEMO_TENANTS = [
  {
    slug: "acme",
    name: "Acme",
    numbers: [
      {
        label: "Acme Support",
        wabaId: "102290129340398",
        phoneNumberId: "106540352242922",
        displayNumber: "+15550101001",
      },
      // the troubled number: the simulator gives it quality drops and failures
      {
        label: "Acme Promotions",
        wabaId: "102290129340398",
        phoneNumberId: "106540352242923",
        displayNumber: "+15550101002",
      },
    ],
  },
  {
    slug: "globex",
    name: "Globex",
    numbers: [
      {
        label: "Globex Alerts",
        wabaId: "104996122399160",
        phoneNumberId: "113269274970227",
        displayNumber: "+15550202001",
      },
      {
        label: "Globex Care",
        wabaId: "104996122399160",
        phoneNumberId: "113269274970228",
        displayNumber: "+15550202002",
      },
    ],
  },
] as const;

const DEMO_USERS: { email: string; name: string; role: TRole; tenant: string | null }[] = [
  { email: "support@waybill.local", name: "Sam Support", role: "support_agent", tenant: null },
  { email: "admin@acme.example", name: "Ada Acme", role: "tenant_admin", tenant: "acme" },
  { email: "admin@globex.example", name: "Gus Globex", role: "tenant_admin", tenant: "globex" },
  { email: "engineer@waybill.local", name: "Eve Engineer", role: "engineer", tenant: null },
  { email: "admin@waybill.local", name: "Al Admin", role: "admin", tenant: null },
];

/**
 * Seeds the demo once. On later runs it only checks that the demo API keys it knows still
 * work, and issues new ones when they do not (e.g. the credentials file was deleted).
 */
export async function seedDemo(
  db: TDb,
  box: TSecretBox,
  known: TDemoCredentials | null,
): Promise<{ credentials: TDemoCredentials; isNew: boolean }> {
  // the seed appends to ledgers through the same projectors as the worker and the web server
  installProjectors();
  const existing = await db.tenant.findMany({ where: { slug: { in: DEMO_TENANTS.map((t) => t.slug) } } });
  const isNew = existing.length === 0;
  const tenantIds = new Map(existing.map((t) => [t.slug, t.id]));
  if (isNew) {
    for (const spec of DEMO_TENANTS) {
      const tenant = await makeTenant(db, { slug: spec.slug, name: spec.name }, SEED_ACTOR);
      tenantIds.set(spec.slug, tenant.id);
      for (const number of spec.numbers) {
        await makeSenderNumber(
          db,
          box,
          tenant.id,
          { ...number, accessToken: `demo-token-${number.phoneNumberId}` },
          SEED_ACTOR,
        );
      }
    }
    for (const user of DEMO_USERS) {
      await makeUser(
        db,
        user.role,
        {
          email: user.email,
          name: user.name,
          tenantId: user.tenant ? tenantIds.get(user.tenant) : null,
          password: DEMO_PASSWORD,
        },
        SEED_ACTOR,
      );
    }
    // a few messages with realistic ledgers (read, failed 131026, read after failed, duplicates,
    // a retry), so the console's timelines show something true before the simulator runs
    const acme = tenantIds.get("acme");
    const globex = tenantIds.get("globex");
    if (acme && globex) await seedDemoMessages(db, { acme, globex }, Date.now());
    // stalled messages and their alerts, an in-doubt attempt, quarantine, an orphan, a replayable webhook
    if (acme && globex) await seedDemoOperations(db, { acme, globex }, Date.now());
    // a few days of traffic and Meta's quality/limit/template history, for number health and the heatmaps
    if (acme && globex) await seedDemoInsights(db, await demoInsightsTenants(db, acme, globex), Date.now());
  }

  const apiKeys: TDemoCredentials["apiKeys"] = [];
  for (const spec of DEMO_TENANTS) {
    const tenantId = tenantIds.get(spec.slug);
    if (!tenantId) continue; // a demo tenant removed by hand: leave it gone
    const knownKey = known?.apiKeys.find((k) => k.tenant === spec.slug)?.apiKey;
    if (knownKey && (await authenticateApiKey(db, knownKey, new Date())).ok) {
      apiKeys.push({ tenant: spec.slug, apiKey: knownKey });
      continue;
    }
    // the plaintext of an older demo key is lost: retire it and issue a new one
    const stale = await db.apiKey.findMany({
      where: { tenantId, name: DEMO_KEY_NAME, revokedAt: null },
      select: { id: true },
    });
    for (const key of stale) {
      await revokeApiKey(db, SEED_ACTOR, { tenantId, keyId: key.id, reason: "demo key re-issued" });
    }
    const created = await makeApiKey(db, tenantId, DEMO_KEY_NAME, SEED_ACTOR);
    apiKeys.push({ tenant: spec.slug, apiKey: created.apiKey });
  }

  return {
    isNew,
    credentials: {
      password: DEMO_PASSWORD,
      users: DEMO_USERS.map((u) => ({ email: u.email, role: u.role, tenant: u.tenant })),
      apiKeys,
    },
  };
}

async function demoInsightsTenants(db: TDb, acme: string, globex: string) {
  const numbers = await db.senderNumber.findMany({
    where: { tenantId: { in: [acme, globex] } },
    select: { id: true, displayNumber: true, wabaId: true },
  });
  const byNumber = (displayNumber: string) => {
    const found = numbers.find((n) => n.displayNumber === displayNumber);
    if (!found) throw new Error(`demo sender number ${displayNumber} is missing`);
    return found;
  };
  const [acmeSupport, acmePromotions] = DEMO_TENANTS[0].numbers;
  const [globexAlerts, globexCare] = DEMO_TENANTS[1].numbers;
  return {
    acme: {
      id: acme,
      wabaId: acmeSupport.wabaId,
      support: byNumber(acmeSupport.displayNumber).id,
      promotions: byNumber(acmePromotions.displayNumber).id,
      promotionsNumber: acmePromotions.displayNumber,
    },
    globex: {
      id: globex,
      wabaId: globexAlerts.wabaId,
      alerts: byNumber(globexAlerts.displayNumber).id,
      care: byNumber(globexCare.displayNumber).id,
    },
  };
}

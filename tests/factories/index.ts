// Factories shared by the integration tests and the demo seed: they go through the same
// services as the CLI and the console, so test data is shaped exactly like real data.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import type { TRole } from "@/server/domain/access/permissions";
import type { TSecretBox } from "@/server/platform/secret-box";
import type { TActor } from "@/server/services/actor";
import { createApiKey } from "@/server/services/api-keys";
import { addSenderNumber, createTenant } from "@/server/services/tenants";
import { createUser } from "@/server/services/users";

export const FACTORY_ACTOR: TActor = { kind: "system", label: "factory" };

let counter = 0;
function nextSeq(): number {
  counter += 1;
  return Number(`${Date.now() % 1_000_000}${counter}`);
}

export async function makeTenant(
  db: TDb,
  overrides: { slug?: string; name?: string } = {},
  actor = FACTORY_ACTOR,
) {
  const suffix = crypto.randomBytes(3).toString("hex");
  return createTenant(db, actor, {
    slug: overrides.slug ?? `tenant-${suffix}`,
    name: overrides.name ?? `Tenant ${suffix}`,
  });
}

export async function makeSenderNumber(
  db: TDb,
  box: TSecretBox,
  tenantId: string,
  overrides: {
    phoneNumberId?: string;
    wabaId?: string;
    displayNumber?: string;
    label?: string;
    accessToken?: string;
  } = {},
  actor = FACTORY_ACTOR,
) {
  const seq = nextSeq();
  return addSenderNumber(db, box, actor, {
    tenantId,
    wabaId: overrides.wabaId ?? `10${seq}`,
    phoneNumberId: overrides.phoneNumberId ?? `20${seq}${crypto.randomInt(1000, 9999)}`,
    displayNumber: overrides.displayNumber ?? `+1555${String(seq).slice(-7).padStart(7, "0")}`,
    label: overrides.label,
    accessToken: overrides.accessToken ?? `EAAG${crypto.randomBytes(24).toString("hex")}`,
  });
}

export async function makeUser(
  db: TDb,
  role: TRole,
  overrides: { email?: string; name?: string; tenantId?: string | null; password?: string } = {},
  actor = FACTORY_ACTOR,
) {
  const password = overrides.password ?? `pw-${crypto.randomBytes(8).toString("hex")}`;
  const user = await createUser(db, actor, {
    email: overrides.email ?? `${role}-${crypto.randomBytes(4).toString("hex")}@example.test`,
    name: overrides.name ?? role.replace("_", " "),
    role,
    tenantId: overrides.tenantId ?? null,
    password,
  });
  return { ...user, password };
}

export async function makeApiKey(db: TDb, tenantId: string, name = "test key", actor = FACTORY_ACTOR) {
  return createApiKey(db, actor, { tenantId, name });
}

// Input schemas shared by the CLI, tRPC procedures and the seed, so every entry point
// validates the same way and reports the same errors.
import { z } from "zod";
import { ROLES } from "@/server/domain/access/permissions";

export const MIN_PASSWORD_LENGTH = 12;

export const ZTenantSlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "slug: 2-63 lowercase letters, digits or dashes");

export const ZCreateTenantSchema = z.object({
  slug: ZTenantSlugSchema,
  name: z.string().trim().min(1).max(200),
});
export type TCreateTenant = z.infer<typeof ZCreateTenantSchema>;

export const ZAddSenderNumberSchema = z.object({
  tenantId: z.uuid(),
  wabaId: z.string().regex(/^[0-9]{1,32}$/, "WABA id: digits only"),
  phoneNumberId: z.string().regex(/^[0-9]{1,32}$/, "phone_number_id: digits only"),
  displayNumber: z.string().regex(/^\+[0-9]{6,15}$/, "display number: E.164, e.g. +15551234567"),
  label: z.string().trim().max(100).optional(),
  accessToken: z.string().min(8, "access token looks too short"),
});
export type TAddSenderNumber = z.infer<typeof ZAddSenderNumberSchema>;

export const ZPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `password: at least ${MIN_PASSWORD_LENGTH} characters`);

export const ZCreateUserSchema = z
  .object({
    email: z.email().transform((e) => e.toLowerCase()),
    name: z.string().trim().min(1).max(200),
    role: z.enum(ROLES),
    tenantId: z.uuid().nullish(),
    password: ZPasswordSchema,
  })
  .refine((u) => (u.role === "tenant_admin") === Boolean(u.tenantId), {
    message: "a tenant_admin needs a tenant; other roles must not have one",
    path: ["tenantId"],
  });
export type TCreateUser = z.infer<typeof ZCreateUserSchema>;

export const ZCreateApiKeySchema = z.object({
  tenantId: z.uuid(),
  name: z.string().trim().min(1).max(100),
});

export const ZRevokeApiKeySchema = z.object({
  tenantId: z.uuid(),
  keyId: z.uuid(),
  reason: z.string().trim().min(1).max(500).optional(),
});

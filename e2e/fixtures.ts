// Shared e2e fixtures: the demo accounts seeded by prisma/seed.ts and their storage states.
import path from "node:path";
import { test as base, expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "waybill-demo-2026";

export const ACCOUNTS = {
  support_agent: { email: "support@waybill.local", name: "Sam Support" },
  tenant_admin: { email: "admin@acme.example", name: "Ada Acme" },
  engineer: { email: "engineer@waybill.local", name: "Eve Engineer" },
  admin: { email: "admin@waybill.local", name: "Al Admin" },
} as const;
export type TDemoRole = keyof typeof ACCOUNTS;

export function storageStateFor(role: TDemoRole): string {
  return path.join(import.meta.dirname, ".auth", `${role}.json`);
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A page already signed in as `role` (from the setup project's storage state). */
export function asRole(role: TDemoRole) {
  return base.extend({ storageState: storageStateFor(role) });
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join("test-results", "screenshots", `${name}.png`), fullPage: true });
}

export { expect };

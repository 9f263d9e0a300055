// Display names for server enums. Records keyed by the server's types, so a new role or state
// fails the type check here until it has a label.
import type { TRole } from "@/server/domain/access/permissions";

export const ROLE_LABELS: Record<TRole, string> = {
  support_agent: "Support agent",
  tenant_admin: "Tenant admin",
  engineer: "Engineer",
  admin: "Admin",
};

export const ROLE_OPTIONS = Object.keys(ROLE_LABELS) as TRole[];

export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string | undefined>)[role] ?? role;
}

/** An audit actor label for display: "user:ops@example.com" -> "ops@example.com"; "system:worker" stays. */
export function actorText(label: string): string {
  return label.startsWith("user:") ? label.slice("user:".length) : label;
}

/**
 * Meta's enum words as the console shows them, sentence-cased: APPROVED -> "Approved",
 * MARKETING -> "Marketing", PENDING_DELETION -> "Pending deletion". One casing everywhere.
 */
export function enumLabel(value: string): string {
  const words = value.toLowerCase().replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// Roles and the permission matrix. Pure: the server checks these on every procedure and route;
// the console reads them only to hide controls a user could not use anyway.

export const ROLES = ["support_agent", "tenant_admin", "engineer", "admin"] as const;
export type TRole = (typeof ROLES)[number];

export const PERMISSIONS = [
  "tenant.read", // see a tenant's messages, health and alerts
  "message.annotate", // notes on a message's ledger
  "dispute.manage", // open, annotate, decide and resolve disputes
  "message.reveal_recipient", // unmask a recipient phone number (audited)
  "message.view_raw", // raw requests, responses and webhook bodies
  "message.send_test", // send a test message from the console
  "operations.act", // retries, dead letters, replays, alert actions
  "operations.read", // ingestion, queues, quarantine
  "admin.tenants", // create tenants and sender numbers
  "admin.users", // create and disable users
  "admin.api_keys", // create and revoke tenant API keys
  "audit.read", // read the audit trail
  "webhooks.manage", // a tenant's outbound webhook endpoints: create, change, test, redeliver
  "usage.read", // usage metered from Meta's pricing (a tenant admin: its own tenant)
  "admin.channels", // operator notification channels (Slack webhook, email) for platform alerts
  "sender.override", // override a number's sending decision (hold, or send despite its health)
  "tenant.send_policy", // a tenant's sending policy: resend after a temporary failure reported by webhook
] as const;
export type TPermission = (typeof PERMISSIONS)[number];

/** Which roles hold which permissions. One row per role; every permission listed explicitly. */
export const PERMISSION_MATRIX: Record<TRole, readonly TPermission[]> = {
  support_agent: [
    "tenant.read",
    "message.annotate",
    "dispute.manage",
    "message.reveal_recipient",
    "message.view_raw",
  ],
  tenant_admin: [
    "tenant.read",
    "message.annotate",
    "message.reveal_recipient",
    "webhooks.manage",
    "usage.read",
    "tenant.send_policy",
  ],
  engineer: [
    "tenant.read",
    "message.annotate",
    "message.view_raw",
    "message.send_test",
    "operations.act",
    "operations.read",
    "audit.read",
    "sender.override",
  ],
  admin: [
    "tenant.read",
    "message.annotate",
    "dispute.manage",
    "message.reveal_recipient",
    "message.view_raw",
    "message.send_test",
    "operations.read",
    "admin.tenants",
    "admin.users",
    "admin.api_keys",
    "audit.read",
    "webhooks.manage",
    "usage.read",
    "admin.channels",
    "sender.override",
    "tenant.send_policy",
  ],
};

export function hasPermission(role: TRole, permission: TPermission): boolean {
  return PERMISSION_MATRIX[role].includes(permission);
}

/** Roles that see every tenant; a tenant_admin sees exactly one. */
export function isCrossTenantRole(role: TRole): boolean {
  switch (role) {
    case "support_agent":
    case "engineer":
    case "admin":
      return true;
    case "tenant_admin":
      return false;
    default: {
      const unreachable: never = role;
      return unreachable;
    }
  }
}

export type TPrincipal = { role: TRole; tenantId: string | null };

/**
 * Whether `principal` may act inside `tenantId`. A tenant admin only inside its own tenant;
 * cross-tenant roles inside any tenant (whether the tenant exists is the caller's question).
 */
export function canAccessTenant(principal: TPrincipal, tenantId: string): boolean {
  return isCrossTenantRole(principal.role) || principal.tenantId === tenantId;
}

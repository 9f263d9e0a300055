// The console's areas and how a pathname maps to the active one.

/** Tenant-scoped areas, all under /t/[scope]/<segment>. */
export const TENANT_AREAS = [
  { segment: "messages", label: "Messages", icon: "messages" },
  { segment: "disputes", label: "Disputes", icon: "disputes" },
  { segment: "health", label: "Number health", icon: "health" },
  { segment: "senders", label: "Sender numbers", icon: "senders" },
  { segment: "heatmaps", label: "Heatmaps", icon: "heatmaps" },
  { segment: "dead-letters", label: "Dead letters", icon: "dead-letters" },
  { segment: "stalled", label: "Stalled & alerts", icon: "stalled" },
  { segment: "webhooks", label: "Webhooks", icon: "webhooks" },
  { segment: "usage", label: "Usage", icon: "usage" },
] as const;

export type TIconName = (typeof TENANT_AREAS)[number]["icon"] | "operations" | "audit" | "admin" | "status";

export type TNavItem = { href: string; label: string; icon: TIconName; isActive: boolean };

export type TParsedPath = { scope: string | null; area: string | null };

/** `/t/acme/messages/123` -> { scope: "acme", area: "messages" }; platform paths have no scope. */
export function parseConsolePath(pathname: string): TParsedPath {
  const match = /^\/t\/([^/]+)(?:\/([^/]+))?/.exec(pathname);
  if (!match) return { scope: null, area: null };
  return { scope: match[1] ?? null, area: match[2] ?? null };
}

/** The same area in another scope. Deeper paths hold tenant-specific ids, so they are dropped. */
export function pathForScope(pathname: string, scope: string): string {
  const { area } = parseConsolePath(pathname);
  const isKnownArea = TENANT_AREAS.some((a) => a.segment === area);
  return `/t/${encodeURIComponent(scope)}/${isKnownArea ? area : "messages"}`;
}

function isUnder(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

export function tenantNavItems(pathname: string, scope: string): TNavItem[] {
  const { area } = parseConsolePath(pathname);
  return TENANT_AREAS.map((a) => ({
    href: `/t/${encodeURIComponent(scope)}/${a.segment}`,
    label: a.label,
    icon: a.icon,
    isActive: area === a.segment,
  }));
}

export function platformNavItems(
  pathname: string,
  access: { canOperate: boolean; isAdmin: boolean; canReadAudit: boolean },
): TNavItem[] {
  const items: TNavItem[] = [];
  if (access.canOperate) {
    items.push({
      href: "/operations",
      label: "Operations",
      icon: "operations",
      isActive: isUnder(pathname, "/operations"),
    });
  }
  if (access.canReadAudit) {
    items.push({
      href: "/audit",
      label: "Audit log",
      icon: "audit",
      isActive: isUnder(pathname, "/audit"),
    });
  }
  if (access.isAdmin) {
    items.push({
      href: "/admin/tenants",
      label: "Admin",
      icon: "admin",
      isActive: isUnder(pathname, "/admin"),
    });
  }
  items.push({
    href: "/status",
    label: "System status",
    icon: "status",
    isActive: isUnder(pathname, "/status"),
  });
  return items;
}

"use client";
// The console frame: sidebar navigation (a disclosure menu under a top bar on small screens),
// tenant switcher, signed-in user, and the main region with a skip link to it.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { LogoMark } from "@/components/ui/logo-mark";
import { TimeZoneProvider } from "@/components/time/time-zone";
import { useTRPC } from "@/trpc/client";
import { NavIcon } from "./nav-icon";
import { parseConsolePath, platformNavItems, tenantNavItems, type TNavItem } from "./nav-items";
import { TenantName, TenantSwitcher } from "./tenant-switcher";
import { UserPanel } from "./user-panel";

function NavList({ label, items }: { label: string; items: TNavItem[] }) {
  return (
    <div>
      <h2 className="px-2 pb-1 text-[11px] font-semibold tracking-wide text-zinc-600 uppercase">{label}</h2>
      <ul className="flex flex-col gap-0.5">
        {items.map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={item.isActive ? "page" : undefined}
              className={cn(
                "flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm transition-colors",
                item.isActive
                  ? "bg-accent-50 font-medium text-accent-700"
                  : "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900",
              )}
            >
              <NavIcon name={item.icon} />
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Brand() {
  return (
    <Link
      href="/"
      className="flex items-center gap-2 rounded text-sm font-semibold tracking-tight text-zinc-900"
    >
      <LogoMark />
      Waybill
    </Link>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  // seeded on the server by the layout; refreshed here after admin changes (new tenants)
  const { data: me } = useQuery(trpc.me.get.queryOptions());
  const pathname = usePathname();
  const { scope: rawPathScope } = parseConsolePath(pathname);
  // a refused or unknown scope (the tenant wall's 404) must not leak into the navigation links
  const isVisibleScope = (s: string) =>
    s === "all" ? me?.isCrossTenant === true : (me?.tenants.some((t) => t.slug === s) ?? false);
  const pathScope = rawPathScope && isVisibleScope(rawPathScope) ? rawPathScope : null;

  const ownTenant = me && !me.isCrossTenant ? me.tenants[0] : undefined;
  const fallbackScope = me?.isCrossTenant ? "all" : (ownTenant?.slug ?? "all");
  // platform pages (/status, /admin) have no scope in the URL: keep the last one chosen
  const [lastScope, setLastScope] = useState(pathScope ?? fallbackScope);
  if (pathScope && pathScope !== lastScope) setLastScope(pathScope);
  const scope = pathScope ?? lastScope;

  // close the small-screen menu after navigating
  const [isMenuOpen, setIsMenuOpen] = useState(false);
  const [menuPath, setMenuPath] = useState(pathname);
  if (menuPath !== pathname) {
    setMenuPath(pathname);
    setIsMenuOpen(false);
  }

  const permissions = me?.permissions ?? [];
  const tenantItems = tenantNavItems(pathname, scope);
  const platformItems = platformNavItems(pathname, {
    canOperate: permissions.includes("operations.read"),
    isAdmin: me?.user.role === "admin",
    canReadAudit: permissions.includes("audit.read"),
  });
  const scopeName =
    scope === "all" ? "All tenants" : (me?.tenants.find((t) => t.slug === scope)?.name ?? scope);

  return (
    <TimeZoneProvider savedZone={me?.timeZone ?? null}>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-accent-700 focus:shadow-lg"
      >
        Skip to content
      </a>
      <div className="min-h-dvh lg:flex">
        {/* small screens: a top bar with the menu toggle */}
        <header className="sticky top-0 z-30 flex h-12 items-center justify-between gap-3 border-b border-zinc-200 bg-white px-4 lg:hidden">
          <Brand />
          <span className="min-w-0 flex-1 truncate text-xs text-zinc-500">{scopeName}</span>
          <button
            type="button"
            aria-expanded={isMenuOpen}
            aria-controls="console-sidebar"
            onClick={() => setIsMenuOpen((open) => !open)}
            className="inline-flex h-8 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 ring-inset hover:bg-zinc-50"
          >
            <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none">
              <path
                d={isMenuOpen ? "M4 4l8 8M12 4l-8 8" : "M2.5 4.5h11M2.5 8h11M2.5 11.5h11"}
                stroke="currentColor"
                strokeWidth="1.5"
                strokeLinecap="round"
              />
            </svg>
            Menu
          </button>
        </header>

        <aside
          id="console-sidebar"
          className={cn(
            "flex-col gap-5 border-b border-zinc-200 bg-white px-3 py-4 lg:sticky lg:top-0 lg:flex lg:h-dvh lg:w-60 lg:shrink-0 lg:overflow-y-auto lg:border-r lg:border-b-0",
            isMenuOpen ? "flex" : "hidden",
          )}
        >
          <div className="hidden px-2 lg:block">
            <Brand />
          </div>
          <div className="px-2">
            {me?.isCrossTenant ? (
              <TenantSwitcher tenants={me.tenants} scope={scope} />
            ) : ownTenant ? (
              <TenantName name={ownTenant.name} />
            ) : null}
          </div>
          <nav aria-label="Console" className="flex flex-col gap-5">
            <NavList label="Delivery" items={tenantItems} />
            <NavList label="Platform" items={platformItems} />
          </nav>
          {me ? (
            <div className="mt-auto px-2">
              <UserPanel name={me.user.name} email={me.user.email} role={me.user.role} />
            </div>
          ) : null}
        </aside>

        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-6 lg:px-8">
          <div className="mx-auto max-w-6xl">{children}</div>
        </main>
      </div>
    </TimeZoneProvider>
  );
}

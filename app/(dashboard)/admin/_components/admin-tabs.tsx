"use client";
// Section tabs for /admin (links, not ARIA tabs: each one is its own page).
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const SECTIONS = [
  { href: "/admin/tenants", label: "Tenants" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/channels", label: "Alert channels" },
  { href: "/audit", label: "Audit log" },
] as const;

export function AdminTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin sections" className="-mt-1 mb-6 overflow-x-auto border-b border-zinc-200">
      <ul className="flex gap-4">
        {SECTIONS.map((s) => {
          const isActive = pathname === s.href || pathname.startsWith(`${s.href}/`);
          return (
            <li key={s.href}>
              <Link
                href={s.href}
                aria-current={isActive ? "page" : undefined}
                className={cn(
                  "-mb-px inline-block border-b-2 px-1 pb-2 text-sm whitespace-nowrap",
                  isActive
                    ? "border-accent-600 font-medium text-accent-700"
                    : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900",
                )}
              >
                {s.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

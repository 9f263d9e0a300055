// /admin/*: platform administration, for the admin role only (others get a 404; the tRPC
// procedures refuse them too).
import type { ReactNode } from "react";
import { requireAdmin } from "@/app/(dashboard)/_lib/session";
import { AdminTabs } from "./_components/admin-tabs";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin();
  return (
    <>
      <AdminTabs />
      {children}
    </>
  );
}

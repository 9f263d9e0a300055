// GET /admin: the first admin section.
import { redirect } from "next/navigation";
import { requireAdmin } from "@/app/(dashboard)/_lib/session";

export default async function AdminIndexPage() {
  await requireAdmin();
  redirect("/admin/tenants");
}

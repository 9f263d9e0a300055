// GET /admin/audit: the audit log moved to /audit (engineers read it too); old links keep working.
import { redirect } from "next/navigation";

export default async function AdminAuditRedirect({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) {
    if (typeof value === "string") query.set(key, value);
  }
  const qs = query.toString();
  redirect(qs ? `/audit?${qs}` : "/audit");
}

// GET /t/[scope]: the scope's first area.
import { redirect } from "next/navigation";
import { resolveScope } from "../../_lib/session";

export default async function ScopeIndexPage({ params }: { params: Promise<{ scope: string }> }) {
  const { scope } = await params;
  const resolved = await resolveScope(scope);
  redirect(`/t/${encodeURIComponent(resolved.slug)}/messages`);
}

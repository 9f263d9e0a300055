// GET /: sends a user to the messages of their default scope (own tenant, or all tenants).
import { redirect } from "next/navigation";
import { defaultScope, requireMe } from "./_lib/session";

export default async function HomePage() {
  const me = await requireMe();
  const scope = defaultScope(me);
  // a tenant admin whose tenant is gone still has a working console page to land on
  redirect(scope ? `/t/${scope}/messages` : "/status");
}

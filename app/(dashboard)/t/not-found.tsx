// The tenant wall's answer for /t/[scope]/...: an unknown slug and a tenant outside the user's
// access look the same, so tenant slugs cannot be probed.
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function TenantNotFound() {
  return (
    <div className="mx-auto max-w-xl pt-10">
      <h1 className="mb-4 text-xl font-semibold text-zinc-900">Tenant not available</h1>
      <EmptyState
        title="This tenant doesn't exist or is outside your access"
        description="Check the address, choose a tenant you have access to, or go back to your default view."
        action={
          <Link href="/" className={buttonClasses("secondary")}>
            Go to my tenant view
          </Link>
        }
      />
    </div>
  );
}

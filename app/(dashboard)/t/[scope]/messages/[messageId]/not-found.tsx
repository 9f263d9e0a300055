// A message id this tenant does not have: another tenant's message and one that never existed
// look the same, so ids cannot be probed.
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function MessageNotFound() {
  return (
    <div className="mx-auto max-w-xl pt-10">
      <h1 className="mb-4 text-xl font-semibold text-zinc-900">Message not available</h1>
      <EmptyState
        title="This message doesn't exist or is outside your access"
        description="Check the link, or search for the message by its wamid or recipient."
        action={
          <Link href="/" className={buttonClasses("secondary")}>
            Go to my messages
          </Link>
        }
      />
    </div>
  );
}

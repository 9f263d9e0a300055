// Not found inside the console (unknown record, or a page outside the user's role).
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function ConsoleNotFound() {
  return (
    <div className="mx-auto max-w-xl pt-10">
      <h1 className="sr-only">Page not found</h1>
      <EmptyState
        title="This page doesn't exist or is outside your access"
        description="Check the address, or go back to the console's start page."
        action={
          <Link href="/" className={buttonClasses("secondary")}>
            Go to the console
          </Link>
        }
      />
    </div>
  );
}

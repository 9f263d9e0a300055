// Any URL no route matches (outside the console shell, so it works signed in or out).
import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <div className="max-w-sm text-center">
        <p className="text-xs font-medium text-zinc-500">404</p>
        <h1 className="mt-1 text-lg font-semibold text-zinc-900">Page not found</h1>
        <p className="mt-1 text-sm text-zinc-600">There is nothing at this address.</p>
        <Link href="/" className={buttonClasses("secondary", "md", "mt-5")}>
          Go to the console
        </Link>
      </div>
    </main>
  );
}

"use client";
// The signed-in user (name, email, role) and the sign-out button.
import { useFormStatus } from "react-dom";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { signOutAction } from "../actions";
import { roleLabel } from "../_lib/labels";
import { TimeZoneSetting } from "./time-zone-setting";

function SignOutButton() {
  const { pending } = useFormStatus();
  return (
    <Button
      type="submit"
      variant="secondary"
      size="sm"
      isPending={pending}
      pendingLabel="Signing out…"
      className="w-full"
    >
      Sign out
    </Button>
  );
}

export function UserPanel({ name, email, role }: { name: string; email: string; role: string }) {
  return (
    <section aria-label="Signed-in user" className="flex flex-col gap-2 border-t border-zinc-200 pt-3">
      <div className="min-w-0">
        <p className="truncate text-sm font-medium text-zinc-900" title={name}>
          {name}
        </p>
        <p className="truncate text-xs text-zinc-500" title={email}>
          {email}
        </p>
        <p className="mt-1.5">
          <Badge>
            <span className="sr-only">Role: </span>
            {roleLabel(role)}
          </Badge>
        </p>
      </div>
      <TimeZoneSetting />
      <form action={signOutAction}>
        <SignOutButton />
      </form>
    </section>
  );
}

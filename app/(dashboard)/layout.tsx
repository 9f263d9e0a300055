// Layout of every console route (/, /t/*, /status, /operations, /admin/*): session gate, tRPC provider, navigation.
import type { ReactNode } from "react";
import { HydrateClient } from "@/trpc/server";
import { TRPCReactProvider } from "@/trpc/client";
import { AppShell } from "./_components/app-shell";
import { requireMe } from "./_lib/session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // redirects to /login without a live session; also seeds me.get into the client cache
  await requireMe();
  return (
    <TRPCReactProvider>
      <HydrateClient isSettledOnly>
        <AppShell>{children}</AppShell>
      </HydrateClient>
    </TRPCReactProvider>
  );
}

// Server-component glue: prefetch tRPC queries during render and hand them to the client
// cache, so detail pages render without request waterfalls.
import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { createRequestContext } from "@/server/api/context";
import { appRouter } from "@/server/api/root";
import { makeQueryClient } from "./query-client";

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({
  ctx: async () => createRequestContext(await headers()),
  router: appRouter,
  queryClient: getQueryClient,
});

/** A server-side caller for server components that need data directly (e.g. redirects). */
export const serverCaller = cache(async () =>
  appRouter.createCaller(await createRequestContext(await headers())),
);

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

// Server-component glue: prefetch tRPC queries during render and hand them to the client
// cache, so detail pages render without request waterfalls.
import "server-only";
import { defaultShouldDehydrateQuery, dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { createRequestContext } from "@/server/api/context";
import { appRouter } from "@/server/api/root";
import { makeQueryClient } from "./query-client";

export const getQueryClient = cache(makeQueryClient);

/**
 * One tRPC context per request, shared by every prefetch and the server caller: the options
 * proxy asks for a context on each prefetch, and a fresh one each time decoded the session
 * cookie and re-read the account once per procedure (Operations prefetches eight).
 */
const getRequestContext = cache(async () => createRequestContext(await headers()));

export const trpc = createTRPCOptionsProxy({
  ctx: getRequestContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** A server-side caller for server components that need data directly (e.g. redirects). */
export const serverCaller = cache(async () => appRouter.createCaller(await getRequestContext()));

/**
 * Hands the request's query cache to the client. `isSettledOnly` leaves out queries still in flight:
 * a layout renders alongside its page, so a layout's boundary would otherwise stream the page's
 * pending prefetches too, including one the page is about to refuse with a 404, whose rejection
 * then surfaces as an unhandled server error. The page's own boundary hands over its queries.
 */
export function HydrateClient({
  children,
  isSettledOnly = false,
}: {
  children: ReactNode;
  isSettledOnly?: boolean;
}) {
  const state = dehydrate(
    getQueryClient(),
    isSettledOnly ? { shouldDehydrateQuery: defaultShouldDehydrateQuery } : undefined,
  );
  return <HydrationBoundary state={state}>{children}</HydrationBoundary>;
}

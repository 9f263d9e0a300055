// Types of what the API returns, for client components (type-only: no server code is bundled).
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

export type TRouterOutputs = inferRouterOutputs<AppRouter>;
export type TRouterInputs = inferRouterInputs<AppRouter>;

export type TSenderNumber = TRouterOutputs["tenants"]["overview"]["senderNumbers"][number];
export type TTenantStatus = TRouterOutputs["tenants"]["list"][number]["status"];

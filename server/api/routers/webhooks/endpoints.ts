// webhooks.list / create / update / rotateSecret / remove: a tenant's outbound webhook endpoints.
// Everyone who reads the tenant sees them (never a secret); tenant admins and admins manage them.
import {
  EVENT_TYPE_DESCRIPTIONS,
  OPT_IN_WARNINGS,
  TRIGGER_EVENT_TYPES,
} from "@/server/domain/triggers/event-types";
import { hasPermission } from "@/server/domain/access/permissions";
import {
  createEndpoint,
  deleteEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  subscriptionWarnings,
  updateEndpoint,
  type TEndpointView,
} from "@/server/services/triggers/endpoints";
import { tenantPermissionProcedure } from "../../trpc";
import {
  ZCreateEndpointInputSchema,
  ZCreateEndpointOutputSchema,
  ZEndpointIdInputSchema,
  ZEndpointOutputSchema,
  ZListEndpointsOutputSchema,
  ZRotateSecretInputSchema,
  ZUpdateEndpointInputSchema,
} from "./webhooks.types";

const withWarnings = (e: TEndpointView) => ({ ...e, warnings: subscriptionWarnings(e.eventTypes) });

export const listWebhookEndpoints = tenantPermissionProcedure("tenant.read")
  .output(ZListEndpointsOutputSchema)
  .query(async ({ ctx }) => ({
    endpoints: (await listEndpoints(ctx.db, ctx.tenant.id)).map(withWarnings),
    eventTypes: TRIGGER_EVENT_TYPES.map((type) => ({
      type,
      description: EVENT_TYPE_DESCRIPTIONS[type],
      warning: OPT_IN_WARNINGS[type] ?? null,
    })),
    canManage: hasPermission(ctx.user.role, "webhooks.manage"),
  }));

export const createWebhookEndpoint = tenantPermissionProcedure("webhooks.manage")
  .input(ZCreateEndpointInputSchema)
  .output(ZCreateEndpointOutputSchema)
  .mutation(async ({ ctx, input }) => {
    const { tenantId: _, ...fields } = input;
    const created = await createEndpoint(
      ctx.db,
      ctx.secretBox,
      ctx.actor,
      { tenantId: ctx.tenant.id, ...fields },
      { allowHttp: ctx.allowHttpEndpoints ?? false },
      new Date(),
    );
    return { ...created, endpoint: withWarnings(created.endpoint) };
  });

export const updateWebhookEndpoint = tenantPermissionProcedure("webhooks.manage")
  .input(ZUpdateEndpointInputSchema)
  .output(ZEndpointOutputSchema)
  .mutation(async ({ ctx, input }) => {
    const updated = await updateEndpoint(
      ctx.db,
      ctx.actor,
      { tenantId: ctx.tenant.id, endpointId: input.endpointId, ...input.changes },
      { allowHttp: ctx.allowHttpEndpoints ?? false },
      new Date(),
    );
    return withWarnings(updated.endpoint);
  });

export const rotateWebhookSecret = tenantPermissionProcedure("webhooks.manage")
  .input(ZRotateSecretInputSchema)
  .mutation(({ ctx, input }) =>
    rotateEndpointSecret(
      ctx.db,
      ctx.secretBox,
      ctx.actor,
      { tenantId: ctx.tenant.id, endpointId: input.endpointId, overlapHours: input.overlapHours },
      new Date(),
    ),
  );

export const removeWebhookEndpoint = tenantPermissionProcedure("webhooks.manage")
  .input(ZEndpointIdInputSchema)
  .mutation(async ({ ctx, input }) => {
    await deleteEndpoint(ctx.db, ctx.actor, { tenantId: ctx.tenant.id, endpointId: input.endpointId });
    return { ok: true };
  });

// GET, POST /api/webhooks/whatsapp: Meta's subscription handshake, and status/account webhooks stored raw before the 200.
import { createWhatsAppWebhookHandlers } from "@/server/ingest/webhook-route";
import { webhookRouteDeps } from "@/server/ingest/web-deps";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const handlers = createWhatsAppWebhookHandlers(webhookRouteDeps);

export const GET = handlers.GET;
export const POST = handlers.POST;

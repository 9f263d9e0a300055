// ingest.getRequest: one raw request with its body, headers, processing result, quarantine items and replays.
import { TRPCError } from "@trpc/server";
import { getRawWebhook } from "@/server/db/queries/ingest";
import { permissionProcedure, requirePermission } from "../../trpc";
import { ZGetRequestInputSchema, ZGetRequestOutputSchema } from "./ingest.types";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function renderBody(body: Uint8Array | null) {
  if (body === null) return null;
  try {
    return { encoding: "utf8" as const, text: utf8.decode(body) };
  } catch {
    return { encoding: "base64" as const, text: Buffer.from(body).toString("base64") };
  }
}

export const getRequest = permissionProcedure("operations.read")
  .use(({ ctx, next }) => {
    // raw bodies hold recipients' numbers and message metadata
    requirePermission(ctx.user, "message.view_raw");
    return next();
  })
  .input(ZGetRequestInputSchema)
  .output(ZGetRequestOutputSchema)
  .query(async ({ ctx, input }) => {
    const row = await getRawWebhook(ctx.db, input.rawWebhookId);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "no such raw request" });
    const { body, bodySha256, ...rest } = row;
    return { ...rest, bodySha256: Buffer.from(bodySha256).toString("hex"), body: renderBody(body) };
  });

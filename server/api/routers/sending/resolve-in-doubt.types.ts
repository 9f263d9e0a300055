import { z } from "zod";

export const ZResolveInDoubtInputSchema = z.object({
  messageId: z.uuid(),
  resolution: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("accepted"),
      providerMessageId: z
        .string()
        .regex(/^wamid\.[A-Za-z0-9+/=_-]{8,256}$/, "a wamid such as wamid.HBgL..."),
    }),
    z.object({ kind: z.literal("retry") }),
    z.object({ kind: z.literal("give_up") }),
  ]),
  reason: z.string().trim().min(3).max(1000),
  /** The console's id for this click: repeating it changes nothing. */
  operationId: z.uuid().optional(),
});

export const ZResolveInDoubtOutputSchema = z.object({
  attempt: z.number().int(),
  state: z.string(),
  isRepeat: z.boolean(),
});

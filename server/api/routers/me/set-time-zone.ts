// me.setTimeZone: the signed-in user's display time zone for the console (their own row only).
import { setUserTimeZone } from "@/server/db/queries/users";
import { authedProcedure } from "../../trpc";
import { ZSetTimeZoneInputSchema, ZSetTimeZoneOutputSchema } from "./me.types";

export const setTimeZone = authedProcedure
  .input(ZSetTimeZoneInputSchema)
  .output(ZSetTimeZoneOutputSchema)
  .mutation(async ({ ctx, input }) => {
    await setUserTimeZone(ctx.db, ctx.user.id, input.timeZone);
    return { timeZone: input.timeZone };
  });

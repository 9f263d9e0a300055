// Input and output schemas of the me procedures, one file for the area.
import { z } from "zod";

// Input and output of me.setTimeZone: an IANA zone name the runtime knows, or null for the
// browser's own zone.
function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const ZSetTimeZoneInputSchema = z.object({
  timeZone: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .refine(isKnownZone, { message: "not a time zone this server knows (e.g. Europe/Berlin)" })
    .nullable(),
});

export const ZSetTimeZoneOutputSchema = z.object({ timeZone: z.string().nullable() });

import { z } from "zod";

export const ZAlertStatusSchema = z.enum(["open", "acknowledged", "snoozed", "resolved"]);

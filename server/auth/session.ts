// What a session carries (inside the signed JWT) and how it maps to a principal.
import type { TRole } from "@/server/domain/access/permissions";

export type TSessionUser = {
  id: string;
  email: string;
  name: string;
  role: TRole;
  tenantId: string | null;
};

// What a session carries (inside the signed JWT) and how it maps to a principal.
import type { TRole } from "@/server/domain/access/permissions";

export type TSessionUser = {
  id: string;
  email: string;
  name: string;
  role: TRole;
  tenantId: string | null;
  /**
   * the user's session version when the session was issued; the procedure ladder refuses it once
   * the user's has moved on (sign-out, disable, password change). Always set in a real session
   * (a cookie without it is not accepted); contexts built directly in tests may leave it out.
   */
  sessionVersion?: number;
  /** this session's id (signing out revokes it alone); set in a real session like the version */
  sessionId?: string;
};

/** A session ends this long after its sign-in however often it is refreshed (sliding maxAge). */
export function isWithinAbsoluteLifetime(authAtSeconds: number, nowSeconds: number, hours: number): boolean {
  return nowSeconds - authAtSeconds <= hours * 3600;
}

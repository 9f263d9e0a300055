// GET|POST /api/auth/*: next-auth (sign in, sign out, session, CSRF).
import { handlers } from "@/server/auth/config";

export const { GET, POST } = handlers;

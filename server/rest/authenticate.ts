// Bearer API-key authentication for the tenant REST API. Answers in the API's error shape;
// never says whether a key exists, only that it is not valid.
import type { TApiKeyVerifier } from "@/server/services/api-keys";

export type TApiPrincipal = { tenantId: string; keyId: string };

export function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "Cache-Control": "no-store" } });
}

export async function authenticateRequest(
  verify: TApiKeyVerifier,
  request: Request,
  now: Date,
): Promise<{ ok: true; principal: TApiPrincipal } | { ok: false; response: Response }> {
  const header = request.headers.get("authorization") ?? "";
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token) {
    return { ok: false, response: problem(401, "unauthenticated", "send `Authorization: Bearer <api key>`") };
  }
  const result = await verify(token, now);
  if (!result.ok) {
    const message =
      result.reason === "tenant_inactive"
        ? "this tenant is paused or disabled"
        : "the API key is not valid (unknown, malformed or revoked)";
    return {
      ok: false,
      response: problem(result.reason === "tenant_inactive" ? 403 : 401, "invalid_api_key", message),
    };
  }
  return { ok: true, principal: { tenantId: result.tenantId, keyId: result.keyId } };
}

// The OpenAPI document is generated from the schemas that validate requests: its examples must
// pass that validation, and it must describe every route and answer the API gives.
import { describe, expect, it } from "vitest";
import { ZSendMessageRequestSchema } from "@/server/domain/sending/send-request";
import { buildOpenApiDocument, handleOpenApi } from "./openapi";

describe("the OpenAPI document", () => {
  const doc = buildOpenApiDocument();

  it("describes every tenant API route", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/v1/endpoints",
      "/api/v1/endpoints/{id}",
      "/api/v1/endpoints/{id}/deliveries",
      "/api/v1/endpoints/{id}/redeliver",
      "/api/v1/endpoints/{id}/rotate-secret",
      "/api/v1/endpoints/{id}/test",
      "/api/v1/messages",
      "/api/v1/messages/{id}",
      "/api/v1/messages/{id}/events",
      "/api/v1/openapi.json",
      "/api/v1/tenant",
      "/api/v1/usage",
    ]);
    expect(Object.keys(doc.paths["/api/v1/messages"].post.responses).sort()).toEqual([
      "202",
      "400",
      "401",
      "403",
      "409",
      "413",
      "415",
      "422",
    ]);
  });

  it("carries the request schema generated from zod, with both message kinds", () => {
    const request = doc.components.schemas.SendMessageRequest as { oneOf?: unknown[]; anyOf?: unknown[] };
    const variants = (request.oneOf ?? request.anyOf ?? []) as {
      properties: Record<string, unknown>;
      required: string[];
    }[];
    expect(variants).toHaveLength(2);
    for (const variant of variants)
      expect(variant.required).toEqual(expect.arrayContaining(["from", "to", "type"]));
    const message = doc.components.schemas.Message as { properties: Record<string, unknown> };
    expect(Object.keys(message.properties)).toEqual(
      expect.arrayContaining(["state", "explanation", "lastError"]),
    );
  });

  it("has examples the API itself accepts", () => {
    const examples = doc.paths["/api/v1/messages"].post.requestBody.content["application/json"].examples;
    for (const example of Object.values(examples)) {
      expect(ZSendMessageRequestSchema.safeParse(example.value).success).toBe(true);
    }
  });

  it("is served as JSON", async () => {
    const response = handleOpenApi();
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await response.json()) as unknown).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});

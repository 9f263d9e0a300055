// The bounded body read: the cap is enforced on the bytes streamed, not on what the client declares.
import { describe, expect, it } from "vitest";
import { bodyOfRequest, readBoundedBody } from "./read-body";

function streamed(chunks: string[], headers: Record<string, string> = {}) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      controller.close();
    },
  });
  return new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("readBoundedBody", () => {
  it("returns the exact bytes, across chunks", async () => {
    const read = await readBoundedBody(bodyOfRequest(streamed(['{"a":', '"é"}'])), 100);
    expect(read.ok && Buffer.from(read.bytes).toString("utf8")).toBe('{"a":"é"}');
  });

  it("refuses a declared length over the cap without reading", async () => {
    const request = new Request("http://x/", {
      method: "POST",
      body: "x".repeat(10),
      headers: { "content-length": "5000" },
    });
    expect(await readBoundedBody(bodyOfRequest(request), 100)).toEqual({ ok: false, reason: "too_large" });
  });

  it("stops reading once the streamed bytes pass the cap, whatever was declared", async () => {
    expect(
      await readBoundedBody(
        bodyOfRequest(streamed(["x".repeat(60), "x".repeat(60)], { "content-length": "10" })),
        100,
      ),
    ).toEqual({
      ok: false,
      reason: "too_large",
    });
    const exact = await readBoundedBody(bodyOfRequest(streamed(["x".repeat(50), "x".repeat(50)])), 100);
    expect(exact.ok && exact.bytes.byteLength).toBe(100);
  });

  it("reads an empty body as zero bytes", async () => {
    const read = await readBoundedBody(bodyOfRequest(new Request("http://x/", { method: "POST" })), 100);
    expect(read.ok && read.bytes.byteLength).toBe(0);
  });
});

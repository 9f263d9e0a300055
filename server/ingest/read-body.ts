// Bounded read of a request body: the stream is counted as it arrives and abandoned past the
// cap, so an oversized (or endless) body never sits in memory. Content-Length is only a hint
// for rejecting early; the count is what is enforced. Transport-free: a web `Request` (the
// Next.js route) and a node:http request (the ingest listener) are both read through it.

export type TBodyRead = { ok: true; bytes: Uint8Array } | { ok: false; reason: "too_large" | "unreadable" };

/** A request body as a sequence of chunks. */
export type TBodySource = {
  /** the Content-Length header as sent, if any */
  declaredLength: string | null;
  /** the next chunk, or null at the end; throws when the client's stream broke */
  read: () => Promise<Uint8Array | null>;
  /** stop reading (the cap was passed) */
  cancel: () => Promise<void>;
};

export function bodyOfRequest(request: Request): TBodySource {
  const stream = request.body;
  const reader = stream?.getReader();
  return {
    declaredLength: request.headers.get("content-length"),
    read: async () => {
      if (!reader) return null;
      const { done, value } = await reader.read();
      return done ? null : value;
    },
    cancel: async () => {
      await reader?.cancel().catch(() => {});
    },
  };
}

export async function readBoundedBody(source: TBodySource, maxBytes: number): Promise<TBodyRead> {
  const declared = Number(source.declaredLength ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, reason: "too_large" };
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const value = await source.read();
      if (value === null) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await source.cancel();
        return { ok: false, reason: "too_large" };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  if (chunks.length === 1 && chunks[0]) return { ok: true, bytes: chunks[0] };
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

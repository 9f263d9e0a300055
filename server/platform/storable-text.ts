// PostgreSQL refuses two things JavaScript strings may hold: the NUL character (in text and in
// jsonb, where "\u0000" is an unsupported escape) and lone UTF-16 surrogates (invalid in jsonb,
// and produced by cutting a string between the halves of a pair). Anything taken from a request
// on its way to a text or jsonb column goes through here first, or one bad character would make
// a whole batch fail to commit. Each such character becomes U+FFFD; the raw bytes stay untouched
// in the inbox, so nothing of the original is lost.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, "\uFFFD");
}

/** The first `max` UTF-16 units of `text`, never ending in half a surrogate pair, storable. */
export function storablePrefix(text: string, max: number): string {
  return storableText(text.slice(0, max)).slice(0, max);
}

/** A parsed JSON value with every string and key made storable (a new value; the input is kept). */
export function storableJson(value: unknown): unknown {
  if (typeof value === "string") return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[storableText(key)] = storableJson(inner);
    return out;
  }
  return value;
}

/** The path ("text.body", "metadata.k") of the first key or string that is not storable, if any. */
export function unstorablePath(value: unknown, path: string[] = []): string | null {
  const here = () => (path.length === 0 ? "(body)" : path.join("."));
  if (typeof value === "string") return storableText(value) === value ? null : here();
  if (value === null || typeof value !== "object") return null;
  for (const [key, inner] of Object.entries(value)) {
    if (storableText(key) !== key) return [...path, storableText(key)].join(".");
    const found = unstorablePath(inner, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}

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

/** A path from the body's root, each step pointing at the one before (shared, never copied). */
type TPath = { key: string; parent: TPath | null } | null;

function joinPath(path: TPath): string {
  const keys: string[] = [];
  for (let step = path; step !== null; step = step.parent) keys.push(step.key);
  return keys.length === 0 ? "(body)" : keys.reverse().join(".");
}

/**
 * The path ("text.body", "metadata.k") of the first key or string that is not storable, if any,
 * in document order. Walked with a stack of its own, not by recursion: JSON.parse accepts a body
 * nested as deep as its bytes allow (64 KiB of "[" is 65,536 levels), far past the call stack.
 */
export function unstorablePath(value: unknown): string | null {
  type TStep = { kind: "value"; value: unknown; path: TPath } | { kind: "key"; key: string; path: TPath };
  const pending: TStep[] = [{ kind: "value", value, path: null }];
  for (let step = pending.pop(); step !== undefined; step = pending.pop()) {
    if (step.kind === "key") {
      if (storableText(step.key) !== step.key)
        return joinPath({ key: storableText(step.key), parent: step.path });
      continue;
    }
    const current = step.value;
    if (typeof current === "string") {
      if (storableText(current) !== current) return joinPath(step.path);
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    // pushed last entry first, each value under its key: popped as key 1, value 1 (all of it), key 2...
    const entries = Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, inner] = entries[i]!;
      pending.push({ kind: "value", value: inner, path: { key, parent: step.path } });
      pending.push({ kind: "key", key, path: step.path });
    }
  }
  return null;
}

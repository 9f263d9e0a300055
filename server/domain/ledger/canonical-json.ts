// Canonical JSON: one byte-exact text per JSON value. Hashes (the ledger chain) and fact identity
// (duplicate receipts) are computed over this text, so it must not depend on key insertion order,
// on how PostgreSQL jsonb reorders keys, or on `undefined` holes that a database round trip drops.

export type TJsonPrimitive = string | number | boolean | null;
export type TJsonValue = TJsonPrimitive | readonly TJsonValue[] | TJsonObject;
// `undefined` is allowed so optional properties type-check; canonicalJson drops such keys, exactly
// as JSON.stringify and a jsonb round trip do.
export type TJsonObject = { readonly [key: string]: TJsonValue | undefined };

/**
 * Serialises a JSON value with object keys sorted by UTF-16 code unit (Array#sort default, the
 * same on every engine), no whitespace, `undefined` object members dropped and `undefined` array
 * items written as null (what the value looks like after it has been stored and read back).
 *
 * Throws on values JSON cannot carry (NaN, Infinity, bigint, functions, symbols, Dates, Maps,
 * class instances): such a value in a ledger event is a bug, and hashing a lossy rendering of it
 * would make the stored row fail verification after a round trip.
 */
export function canonicalJson(value: unknown): string {
  return write(value, []);
}

// `path` is a stack of keys, turned into text only for an error message: building a path string
// for every member made hashing several times slower.
type TPath = (string | number)[];

function fail(message: string, path: TPath): never {
  const where = path.map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`)).join("");
  throw new TypeError(`canonicalJson: ${message} at $${where}`);
}

function write(value: unknown, path: TPath): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) fail("non-finite number", path);
      // Number#toString is fully specified by ECMAScript, and -0 renders as "0" like jsonb does.
      return JSON.stringify(value);
    case "object":
      return Array.isArray(value) ? writeArray(value, path) : writeObject(value, path);
    case "undefined":
    case "bigint":
    case "function":
    case "symbol":
      return fail(`${typeof value} is not JSON`, path);
  }
  // typeof has no other results; TypeScript cannot tell the switch above is exhaustive.
  return fail("unknown value", path);
}

function writeArray(items: readonly unknown[], path: TPath): string {
  let text = "[";
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index];
    path.push(index);
    text += (index > 0 ? "," : "") + (item === undefined ? "null" : write(item, path));
    path.pop();
  }
  return `${text}]`;
}

function writeObject(value: object, path: TPath): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // Dates, Maps and class instances serialise lossily (or via toJSON); refuse rather than guess.
    fail("non-plain object", path);
  }
  const record = value as Record<string, unknown>;
  let text = "{";
  let isFirst = true;
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    path.push(key);
    text += `${isFirst ? "" : ","}${JSON.stringify(key)}:${write(member, path)}`;
    path.pop();
    isFirst = false;
  }
  return `${text}}`;
}

// Secrets at rest: sealed values open only with the right key and the right row context, and
// keep opening after a key rotation.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "./secret-box";

const key = () => crypto.randomBytes(32).toString("base64");

describe("secret box", () => {
  it("round-trips and never stores the plaintext", () => {
    const box = createSecretBox(key());
    const sealed = box.seal("EAAG-token", "sender:a");
    expect(sealed.ciphertext.toString("utf8")).not.toContain("EAAG-token");
    expect(box.open(sealed, "sender:a")).toBe("EAAG-token");
  });

  it("refuses a ciphertext moved to another row (context is authenticated)", () => {
    const box = createSecretBox(key());
    const sealed = box.seal("EAAG-token", "sender:a");
    expect(() => box.open(sealed, "sender:b")).toThrow();
  });

  it("refuses a tampered ciphertext", () => {
    const box = createSecretBox(key());
    const sealed = box.seal("EAAG-token", "sender:a");
    sealed.ciphertext[0] = (sealed.ciphertext[0] ?? 0) ^ 1;
    expect(() => box.open(sealed, "sender:a")).toThrow();
  });

  it("opens old ciphertexts with a previous key after rotation, and seals with the new one", () => {
    const oldKey = key();
    const sealedBefore = createSecretBox(oldKey).seal("old-token", "ctx");
    const rotated = createSecretBox(key(), [oldKey]);
    expect(rotated.open(sealedBefore, "ctx")).toBe("old-token");
    expect(rotated.seal("new", "ctx").keyId).not.toBe(sealedBefore.keyId);
    expect(() => createSecretBox(key()).open(sealedBefore, "ctx")).toThrow(/no encryption key/);
  });
});

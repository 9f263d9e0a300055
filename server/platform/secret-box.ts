// AES-256-GCM encryption of secrets at rest (sender access tokens). The key comes from the
// environment; each ciphertext records the id of the key that sealed it, so keys can rotate:
// new data uses the current key, old data still opens with a previous one.
import crypto from "node:crypto";

export type TSealed = { keyId: string; ciphertext: Buffer; iv: Buffer; authTag: Buffer };

export type TSecretBox = {
  seal: (plaintext: string, context: string) => TSealed;
  open: (sealed: TSealed, context: string) => string;
};

function keyIdOf(key: Buffer): string {
  return crypto.createHash("sha256").update(key).digest("hex").slice(0, 12);
}

/**
 * `context` is bound as additional authenticated data (e.g. "sender:<tenant>:<id>"), so a
 * ciphertext copied onto another row does not decrypt.
 */
export function createSecretBox(currentKeyBase64: string, previousKeysBase64: string[] = []): TSecretBox {
  const current = Buffer.from(currentKeyBase64, "base64");
  const keys = new Map<string, Buffer>();
  for (const k of [currentKeyBase64, ...previousKeysBase64]) {
    const key = Buffer.from(k, "base64");
    keys.set(keyIdOf(key), key);
  }
  const currentId = keyIdOf(current);
  return {
    seal(plaintext, context) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv("aes-256-gcm", current, iv);
      cipher.setAAD(Buffer.from(context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return { keyId: currentId, ciphertext, iv, authTag: cipher.getAuthTag() };
    },
    open(sealed, context) {
      const key = keys.get(sealed.keyId);
      if (!key) throw new Error(`no encryption key with id ${sealed.keyId} is configured`);
      const decipher = crypto.createDecipheriv("aes-256-gcm", key, sealed.iv);
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(sealed.authTag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
    },
  };
}

// The dispatcher's sender-token cache: one read per number per time to live, shared by every send
// that asks while it is in progress; a failed read is not kept.
import { describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import type { TSecretBox } from "@/server/platform/secret-box";
import { createCredentialCache, CredentialUnavailableError } from "./process-send";

function stubDb(options: { hasCredential: () => boolean }) {
  const reads = { senders: 0, credentials: 0 };
  const db = {
    senderNumber: {
      findUnique: async () => {
        reads.senders += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { phoneNumberId: "106540352242922" };
      },
    },
    senderCredential: {
      findUnique: async () => {
        reads.credentials += 1;
        return options.hasCredential()
          ? { keyId: "k1", ciphertext: Buffer.from("c"), iv: Buffer.from("i"), authTag: Buffer.from("a") }
          : null;
      },
    },
  } as unknown as TDb;
  return { db, reads };
}

const box = { open: () => "EAAG-token" } as unknown as TSecretBox;

describe("createCredentialCache", () => {
  it("reads a number's token once for all the sends that ask together, and again after its time to live", async () => {
    const { db, reads } = stubDb({ hasCredential: () => true });
    let now = 1_000;
    const cache = createCredentialCache(db, box, 60_000, () => now);
    const got = await Promise.all(Array.from({ length: 12 }, () => cache.get("t1", "s1")));
    expect(got.every((c) => c.accessToken === "EAAG-token" && c.phoneNumberId === "106540352242922")).toBe(
      true,
    );
    expect(reads).toEqual({ senders: 1, credentials: 1 });
    await cache.get("t1", "s1");
    expect(reads.senders).toBe(1);
    // another number is its own read
    await cache.get("t1", "s2");
    expect(reads.senders).toBe(2);
    now += 60_001;
    await cache.get("t1", "s1");
    expect(reads.senders).toBe(3);
  });

  it("does not keep a failed read: every caller of it fails, the next send reads again", async () => {
    let hasCredential = false;
    const { db, reads } = stubDb({ hasCredential: () => hasCredential });
    const cache = createCredentialCache(db, box, 60_000, () => 1_000);
    const failed = await Promise.allSettled([cache.get("t1", "s1"), cache.get("t1", "s1")]);
    expect(failed.map((f) => f.status)).toEqual(["rejected", "rejected"]);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(CredentialUnavailableError);
    expect(reads.credentials).toBe(1);
    hasCredential = true;
    expect((await cache.get("t1", "s1")).accessToken).toBe("EAAG-token");
    expect(reads.credentials).toBe(2);
  });
});

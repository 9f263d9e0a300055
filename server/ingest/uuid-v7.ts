// UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Inbox ids sort by receive
// time, so the primary key alone serves time-range scans (retention, listings) and inserts land
// at the right edge of the index instead of at random pages.
import crypto from "node:crypto";

function format(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function withTime(bytes: Uint8Array, ms: number): Uint8Array {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError(`bad UUIDv7 time ${ms}`);
  let rest = ms;
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70; // version 7
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  return bytes;
}

// Random bits come from a pooled buffer refilled 256 ids at a time: crypto.randomBytes(16) per id
// (one call into OpenSSL each) was a visible share of the ledger append's CPU, which mints one id
// per trigger event, and of the ingest listener's, one per stored request.
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let poolOffset = pool.length;

function randomBits(): Uint8Array {
  if (poolOffset === pool.length) {
    crypto.randomFillSync(pool);
    poolOffset = 0;
  }
  const bits = Uint8Array.prototype.slice.call(pool, poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bits;
}

export function uuidV7(ms: number, random?: Uint8Array): string {
  return format(withTime(random ? Uint8Array.from(random) : randomBits(), ms));
}

/** The smallest UUIDv7 of millisecond `ms`: `id < uuidV7Floor(t)` means "received before t". */
export function uuidV7Floor(ms: number): string {
  return format(withTime(new Uint8Array(16), ms));
}

/** The millisecond a UUIDv7 was made in. */
export function uuidV7Time(id: string): number {
  return Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
}

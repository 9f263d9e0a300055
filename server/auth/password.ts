// Password hashing with Argon2id (memory-hard), OWASP's recommended parameters.
import { hash, verify, type Options } from "@node-rs/argon2";

// algorithm 2 is Argon2id (the package exports it as an ambient const enum, unusable here)
const OPTIONS: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A valid hash of a random password: verifying against it when the account does not exist
// costs the same time as a real check, so response time does not reveal which emails exist.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}

// The git-ignored `.waybill/` folder of a local installation: embedded database files,
// generated demo secrets, demo credentials, and where the running system can be reached.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const STATE_DIR = path.join(PROJECT_ROOT, ".waybill");
export const PG_DATA_DIR = path.join(STATE_DIR, "pgdata");
const SECRETS_FILE = path.join(STATE_DIR, "secrets.json");
const RUNTIME_FILE = path.join(STATE_DIR, "runtime.json");
const DEMO_FILE = path.join(STATE_DIR, "demo-credentials.json");

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

function writePrivateJson(file: string, value: unknown): void {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/** Local secrets for demo mode, generated once and kept. Never used when the env sets them. */
export type TLocalSecrets = {
  AUTH_SECRET: string;
  WAYBILL_ENCRYPTION_KEY: string;
  WHATSAPP_APP_SECRET: string;
  WHATSAPP_VERIFY_TOKEN: string;
};

export function loadOrCreateLocalSecrets(): TLocalSecrets {
  const existing = readJson<Partial<TLocalSecrets>>(SECRETS_FILE) ?? {};
  const secrets: TLocalSecrets = {
    AUTH_SECRET: existing.AUTH_SECRET ?? crypto.randomBytes(32).toString("base64url"),
    WAYBILL_ENCRYPTION_KEY: existing.WAYBILL_ENCRYPTION_KEY ?? crypto.randomBytes(32).toString("base64"),
    WHATSAPP_APP_SECRET: existing.WHATSAPP_APP_SECRET ?? crypto.randomBytes(16).toString("hex"),
    WHATSAPP_VERIFY_TOKEN: existing.WHATSAPP_VERIFY_TOKEN ?? crypto.randomBytes(12).toString("hex"),
  };
  writePrivateJson(SECRETS_FILE, secrets);
  return secrets;
}

export function readLocalSecrets(): Partial<TLocalSecrets> {
  return readJson<Partial<TLocalSecrets>>(SECRETS_FILE) ?? {};
}

/** Where the system started by `npm start` can be reached (read by the CLI). */
export type TRuntimeInfo = { databaseUrl: string; consoleUrl: string; pid: number; isEmbedded: boolean };

export function writeRuntimeInfo(info: TRuntimeInfo): void {
  writePrivateJson(RUNTIME_FILE, info);
}

export function readRuntimeInfo(): TRuntimeInfo | null {
  const info = readJson<TRuntimeInfo>(RUNTIME_FILE);
  if (!info) return null;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch {
    return null;
  }
}

export function clearRuntimeInfo(): void {
  fs.rmSync(RUNTIME_FILE, { force: true });
}

export type TDemoCredentials = {
  password: string;
  users: { email: string; role: string; tenant: string | null }[];
  apiKeys: { tenant: string; apiKey: string }[];
};

export function readDemoCredentials(): TDemoCredentials | null {
  return readJson<TDemoCredentials>(DEMO_FILE);
}

export function writeDemoCredentials(credentials: TDemoCredentials): void {
  writePrivateJson(DEMO_FILE, credentials);
}

export function removeLocalState(): void {
  fs.rmSync(PG_DATA_DIR, { recursive: true, force: true });
  fs.rmSync(DEMO_FILE, { force: true });
  fs.rmSync(RUNTIME_FILE, { force: true });
}

// Structured JSON logs. Every log line about tenant data carries `tenantId` as a field, so logs
// can be filtered (and access-controlled) per tenant.
import pino from "pino";

export type TLogger = pino.Logger;

export function createLogger(name: string, level: string): TLogger {
  return pino({ name, level, base: { process: name }, timestamp: pino.stdTimeFunctions.isoTime });
}

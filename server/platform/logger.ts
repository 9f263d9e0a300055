// Structured JSON logs. Every log line about tenant data carries `tenantId` as a field, so logs
// can be filtered (and access-controlled) per tenant.
import pino from "pino";

export type TLogger = pino.Logger;

/**
 * Errors as pino serializes them, less the connection node-postgres attaches to an error a pool
 * reports for an idle client (`err.client`): it is the whole client, its connection settings and
 * every statement it prepared, several kilobytes of one log line that say nothing about the error.
 */
function serializeError(error: Error): pino.SerializedError {
  const serialized = pino.stdSerializers.err(error);
  delete serialized.client;
  return serialized;
}

export function createLogger(name: string, level: string, destination?: pino.DestinationStream): TLogger {
  const options: pino.LoggerOptions = {
    name,
    level,
    base: { process: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

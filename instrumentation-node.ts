// Validates the web process's environment at start-up, so a misconfiguration stops the server
// with a message naming the variable instead of failing on the first request.
import { EnvError, parseEnv, ZWebEnvSchema } from "@/server/config/env";

try {
  parseEnv(ZWebEnvSchema, process.env);
} catch (error) {
  if (error instanceof EnvError) {
    console.error(`waybill web: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

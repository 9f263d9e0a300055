// Runs once when the Next.js server starts: validates the environment so a misconfiguration
// stops start-up with a message naming the variable instead of failing on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { parseEnv, ZWebEnvSchema, EnvError } = await import("@/server/config/env");
  try {
    parseEnv(ZWebEnvSchema, process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`waybill web: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

// Runs once when the Next.js server starts. The Node-only check lives in its own module, imported
// only on the Node runtime, so the Edge bundle never sees process.exit.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./instrumentation-node");
}

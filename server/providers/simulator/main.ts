// The provider simulator process: a fake WhatsApp Cloud API on WAYBILL_SIMULATOR_PORT that
// answers sends like Meta and posts signed status webhooks to Waybill; in demo mode it also
// generates the seeded tenants' traffic. Started by `npm start` in demo mode.
import fs from "node:fs";
import { EnvError, parseEnv, ZSimulatorEnvSchema } from "@/server/config/env";
import { createLogger } from "@/server/platform/logger";
import { parseDemoKeys, startDemoTraffic } from "./demo-traffic";
import { ZSimulatorConfigSchema } from "./scenario";
import { seededRandom, startSimulator } from "./simulator";

async function main() {
  let env;
  try {
    env = parseEnv(ZSimulatorEnvSchema, process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`waybill simulator: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger("simulator", env.LOG_LEVEL);

  let configInput: unknown = {};
  if (env.WAYBILL_SIMULATOR_CONFIG) {
    try {
      configInput = JSON.parse(fs.readFileSync(env.WAYBILL_SIMULATOR_CONFIG, "utf8"));
    } catch (error) {
      console.error(
        `waybill simulator: WAYBILL_SIMULATOR_CONFIG: cannot read ${env.WAYBILL_SIMULATOR_CONFIG}: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    }
  }
  const parsed = ZSimulatorConfigSchema.safeParse(configInput);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(config)"}: ${i.message}`);
    console.error(`waybill simulator: invalid scenario config:\n${problems.join("\n")}`);
    process.exit(1);
  }

  const simulator = await startSimulator({
    port: env.WAYBILL_SIMULATOR_PORT,
    host: env.WAYBILL_SIMULATOR_HOST,
    webhookUrl: env.WAYBILL_SIMULATOR_WEBHOOK_URL,
    appSecret: env.WHATSAPP_APP_SECRET,
    config: parsed.data,
    random: env.WAYBILL_SIMULATOR_SEED === undefined ? undefined : seededRandom(env.WAYBILL_SIMULATOR_SEED),
    log,
  });
  log.info(
    { url: simulator.url, webhooks: env.WAYBILL_SIMULATOR_WEBHOOK_URL },
    "provider simulator listening",
  );

  let traffic: { stop(): void } | null = null;
  if (env.WAYBILL_SIMULATOR_DEMO_API_KEYS) {
    const troubled = parsed.data.rules.find((r) => r.id?.startsWith("demo-troubled-"))?.match.phoneNumberId;
    const troubledNumber = troubled ? parsed.data.numbers[troubled]?.displayPhoneNumber : undefined;
    traffic = startDemoTraffic({
      waybillUrl: env.WAYBILL_SIMULATOR_WAYBILL_URL,
      keys: parseDemoKeys(env.WAYBILL_SIMULATOR_DEMO_API_KEYS),
      ratePerSecond: env.WAYBILL_SIMULATOR_DEMO_RATE,
      troubledDisplayNumber: troubledNumber ? `+${troubledNumber}` : null,
      log,
    });
    log.info({ rate: env.WAYBILL_SIMULATOR_DEMO_RATE }, "demo traffic started");
  }

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info({ signal }, "provider simulator stopping");
    traffic?.stop();
    await simulator.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("waybill simulator failed to start:", error);
  process.exit(1);
});

// Run as a child process by serial-transactions.test.ts, with --throw-deprecation: reads one
// tenant with three relations inside an interactive transaction (Prisma loads the relations side by
// side) and prints what it read. `plain` uses the pg adapter as released, `app` the application's
// client; a deprecation from node-postgres ends the process with an error.
import { PrismaPg } from "@prisma/adapter-pg";
import { createDb } from "@/server/db/client";
import { PrismaClient } from "@/server/db/generated/client";

const [mode, databaseUrl, tenantId] = process.argv.slice(2);
if (!databaseUrl || !tenantId || (mode !== "plain" && mode !== "app")) {
  throw new Error("usage: nested-read-in-transaction.ts plain|app DATABASE_URL TENANT_ID");
}
const db =
  mode === "app"
    ? createDb(databaseUrl)
    : new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
try {
  const tenant = await db.$transaction((tx) =>
    tx.tenant.findUniqueOrThrow({
      where: { id: tenantId },
      include: { senderNumbers: true, apiKeys: true, users: true },
    }),
  );
  process.stdout.write(
    JSON.stringify({
      senderNumbers: tenant.senderNumbers.length,
      apiKeys: tenant.apiKeys.length,
      users: tenant.users.length,
    }),
  );
} finally {
  await db.$disconnect();
}

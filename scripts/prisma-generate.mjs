// Runs `prisma generate` without network: Prisma's CLI looks for a native schema engine it
// would download, although generate never executes it (the schema is read by WebAssembly).
// Pointing the variables at any existing file stops the download. See STACK.md.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const placeholder = fileURLToPath(import.meta.url);
const prismaBin = fileURLToPath(new URL("../node_modules/prisma/build/index.js", import.meta.url));
if (!existsSync(prismaBin)) {
  console.error("prisma is not installed yet; run `npm install` first");
  process.exit(1);
}
const result = spawnSync(process.execPath, [prismaBin, "generate"], {
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
    PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? placeholder,
  },
});
process.exit(result.status ?? 1);

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // unit tests live beside their source and never touch a database
          include: [
            "server/**/*.test.ts",
            "components/**/*.test.ts",
            "app/**/*.test.ts",
            "scripts/**/*.test.ts",
            "bench/lib/**/*.test.ts",
            "tests/lint/**/*.test.ts",
          ],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/setup/global-setup.ts"],
          setupFiles: ["tests/setup/integration-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // one database per run, shared by the files; files run one after another so that
          // worker-process tests do not compete for the two cores
          fileParallelism: false,
        },
      },
    ],
  },
});

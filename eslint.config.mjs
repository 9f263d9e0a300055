// ESLint: Next.js rules, type-aware TypeScript rules, and the layer boundaries of
// docs/ARCHITECTURE.md (checked again, transitively, by dependency-cruiser: .dependency-cruiser.cjs).
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

const serverValueImport = {
  group: ["@/server/*", "@/server/**", "**/server/*", "**/server/**"],
  allowTypeImports: true,
  message: "client code imports from server/ only with `import type` (ARCHITECTURE.md rule 2)",
};

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "server/db/generated/**",
      ".waybill/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
      "**/*.cjs",
      "**/*.mjs",
    ],
  },
  ...nextVitals,
  ...nextTs,
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: ["**/*.ts", "**/*.tsx"] })),
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/only-throw-error": "error",
      // Prisma/pg rows and JSON payloads are typed at the edges with zod; inside, these are noise
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
  // Rule 1: the domain is pure.
  {
    files: ["server/domain/**/*.ts"],
    ignores: ["server/domain/**/*.test.ts"],
    rules: {
      "no-restricted-imports": "off",
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@/*",
                "../../*",
                "node:*",
                "@prisma/*",
                "next",
                "next/*",
                "pg",
                "pg-boss",
                "pino",
                "react",
              ],
              message:
                "server/domain is pure: no I/O, framework, env or other server layers (ARCHITECTURE.md rule 1)",
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "process", message: "server/domain must not read the environment" },
        { name: "fetch", message: "server/domain does no I/O" },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "server/domain takes time as an argument" },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "server/domain takes time as an argument",
        },
      ],
    },
  },
  // Rule 2: client code (components, trpc client glue, route-private components) imports server types only.
  {
    files: [
      "components/**/*.{ts,tsx}",
      "trpc/client.tsx",
      "trpc/query-client.ts",
      "app/**/_components/**/*.{ts,tsx}",
    ],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [serverValueImport] }],
    },
  },
  // Rule 3: route handlers and pages never reach the database directly.
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/server/db", "@/server/db/**", "@prisma/*", "pg"],
              message:
                "app/ calls server/api, server/services or server/ingest, never the database (ARCHITECTURE.md rule 3)",
            },
          ],
        },
      ],
    },
  },
  // Rule 5: the worker stays out of the web layers.
  {
    files: ["server/worker/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@/app/**",
                "@/trpc/**",
                "@/server/api/**",
                "@/server/web/**",
                "server-only",
                "next",
                "next/*",
              ],
              message: "the worker never imports web layers or server-only modules (ARCHITECTURE.md rule 5)",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["e2e/**/*.ts", "tests/**/*.ts", "**/*.test.ts", "scripts/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off", "@typescript-eslint/unbound-method": "off" },
  },
);

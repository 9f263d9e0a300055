// Prisma CLI configuration. Only `prisma generate` is used: migrations are SQL files applied by
// Postgrator (docs/decisions/001-prisma-client-with-sql-migrations.md).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
});

// Per-file setup for integration tests: the run's database URL and test-only secrets.
import { inject } from "vitest";
import { installProjectors } from "@/server/services/projectors";

process.env.TEST_DATABASE_URL = inject("databaseUrl");
// the ledger's projectors, as every process that appends installs them
installProjectors();

// Per-file setup for integration tests: the run's database URL and test-only secrets.
import { inject } from "vitest";

process.env.TEST_DATABASE_URL = inject("databaseUrl");

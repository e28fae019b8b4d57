import { db } from "@/db";
import { migrateDatabase } from "@/db/open";
import * as schema from "@/db/schema";

/**
 * The unit tests' database: migrates the fresh database tests/setup.ts gave this test file (an SQLite file, or a
 * PostgreSQL database under `npm run test:pg`). Call it (in a `before` hook) before the first use of `db`, the
 * app's own connection, which opens on DATABASE_URL then.
 */
export async function openMigratedDb() {
  await migrateDatabase(process.env.DATABASE_URL!);
  return { db, schema };
}

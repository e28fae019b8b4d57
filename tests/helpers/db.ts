import { db } from "@/db";
import { migrateDatabase, openDatabase } from "@/db/open";
import * as schema from "@/db/schema";

/**
 * The unit tests' database: migrates the fresh SQLite file tests/setup.ts gave this test file. Call it (in a
 * `before` hook) before the first use of `db`, the app's own connection, which opens on DATABASE_URL then.
 */
export async function openMigratedDb() {
  const migrator = openDatabase(process.env.DATABASE_URL!);
  migrateDatabase(migrator);
  migrator.$client.close();
  return { db, schema };
}

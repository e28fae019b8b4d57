/**
 * The unit tests' database: migrates the fresh SQLite file tests/setup.ts gave this test file, then opens the
 * app's own connection. Call it after setting any env the app modules read (they are imported here, lazily).
 */
export async function openMigratedDb() {
  const { openDatabase, migrateDatabase } = await import("@/db/open");
  const migrator = openDatabase(process.env.DATABASE_URL!);
  migrateDatabase(migrator);
  migrator.$client.close();
  const { db } = await import("@/db");
  const schema = await import("@/db/schema");
  return { db, schema };
}

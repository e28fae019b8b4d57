import "./load-env";
import { migrateDatabase } from "@/db/open";
import { redactUrl } from "@/db/dialect";
import { env } from "@/lib/env";

try {
  await migrateDatabase(env.DATABASE_URL);
  console.log(`Database migrated: ${redactUrl(env.DATABASE_URL)}`);
} catch (error) {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

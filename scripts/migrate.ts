import "./load-env";
import { migrateDatabase, openDatabase } from "@/db/open";
import { env } from "@/lib/env";

const database = openDatabase(env.DATABASE_URL);
migrateDatabase(database);
database.$client.close();
console.log(`Database migrated: ${env.DATABASE_URL}`);

import { defineConfig } from "drizzle-kit";

/** drizzle-kit for the PostgreSQL twin of the schema (db/schema.pg.ts); its migrations live in db/migrations-pg. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.pg.ts",
  out: "./db/migrations-pg",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost/trainlink" },
});

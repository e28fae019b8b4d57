import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { Pool } from "pg";
import { startThrowawayPostgres, type ThrowawayPostgres } from "@/scripts/postgres";
import { accounts, users } from "./schema.pg";

// Issue 14, against a real PostgreSQL that the test starts itself (scripts/postgres.ts; `npm run test:pg`): the
// PostgreSQL migrations create the schema of db/schema.pg.ts, and its constraints hold as SQLite's do.

let server: ThrowawayPostgres;
let pool: Pool;

before(async () => {
  server = await startThrowawayPostgres();
  pool = new Pool({ connectionString: server.url, max: 2 });
});
after(async () => {
  await pool?.end();
  server?.stop();
});

describe("PostgreSQL (a throwaway server)", () => {
  it("the migrations create every table of db/schema.pg.ts, with timestamptz instants", async () => {
    const db = drizzle(pool);
    await migrate(db, { migrationsFolder: "db/migrations-pg" });
    const tables = await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    assert.deepEqual(
      tables.rows.map((r) => r.table_name),
      [
        "accounts",
        "admin_actions",
        "api_keys",
        "app_credentials",
        "coach_athletes",
        "coach_digests",
        "connection_alerts",
        "connection_events",
        "email_preferences",
        "exorlive_link_requests",
        "invitations",
        "job_runs",
        "mail_outbox",
        "oauth_flows",
        "password_resets",
        "reconnect_requests",
        "revoked_sessions",
        "service_health",
        "service_settings",
        "sign_in_throttle",
        "users",
        "webhook_deliveries",
        "webhook_endpoints",
        "webhook_outbox",
      ],
    );
    const created = await pool.query<{ data_type: string }>(
      "SELECT data_type FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'created_at'",
    );
    assert.equal(created.rows[0]?.data_type, "timestamp with time zone");
  });

  it("a service account is unique among live connections only (the partial unique index)", async () => {
    const db = drizzle(pool);
    await db.insert(users).values([
      { id: "a", email: "a@example.com", name: "A" },
      { id: "b", email: "b@example.com", name: "B" },
    ]);
    const row = (id: string, userId: string, state: "connected" | "disconnected") => ({
      id,
      userId,
      provider: "enduco" as const,
      providerAccountId: "acct-1",
      state,
      updatedAt: new Date(),
    });
    await db.insert(accounts).values(row("1", "a", "connected"));
    await assert.rejects(
      db.insert(accounts).values(row("2", "b", "connected")),
      (e: Error & { cause?: { code?: string } }) => (e.cause?.code ?? (e as { code?: string }).code) === "23505",
    );
    await db.execute(sql`UPDATE accounts SET state = 'disconnected' WHERE id = '1'`);
    await db.insert(accounts).values(row("2", "b", "connected"));
    const live = await pool.query("SELECT count(*)::int AS n FROM accounts WHERE provider_account_id = 'acct-1'");
    assert.equal(live.rows[0].n, 2);
  });
});

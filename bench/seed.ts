/**
 * Seeds the benchmark database (never the demo's): admins, coaches with 100-athlete rosters (some athletes on
 * two rosters, some on none), athletes with a connection row per service in a realistic spread of states and
 * expiries (tokens sealed with lib/crypto under the bench key, as the app seals them), `connection_events`
 * spread over the last 180 days, some admin actions and an API key (BENCH_API_KEY), with a single argon2id hash shared by every user.
 * SQLite: one transaction of prepared statements on the raw better-sqlite3 handle (200,000 events take a few
 * seconds). PostgreSQL: multi-row INSERTs of 1,000 rows on one connection, then VACUUM ANALYZE (the state a
 * long-running database is in: statistics current, the visibility map set, so autovacuum does not start on the
 * 2,000,000 fresh rows in the middle of a measurement).
 */
import { createHash, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import Database from "better-sqlite3";
import pg from "pg";
import { dialectOf, sqlitePath } from "../db/dialect";
import { migrateDatabase } from "../db/open";
import { API_KEY_SCOPES, EVENT_KINDS, SERVICE_IDS, type ServiceId } from "../db/schema";
import { hashPassword } from "../lib/auth/password";
import { parseKeyring, seal, sealedKeyId } from "../lib/crypto";
import { BENCH_API_KEY, BENCH_PASSWORD, BENCH_TOKEN_KEY, benchEmail } from "./config";

export interface SeedOptions {
  /** The database: an SQLite file path (recreated) or a postgres:// URL (its schemas dropped and recreated). */
  url: string;
  athletes: number;
  coaches?: number;
  admins?: number;
  /** Athletes per coach (default 100, at most `athletes`). */
  rosterSize?: number;
  events: number;
  /** Seed of the pseudo-random spread (same seed, same data apart from ids and token bytes). */
  seed?: number;
}

export interface SeedResult {
  ms: number;
  users: number;
  rosterLinks: number;
  athletesWithTwoCoaches: number;
  connections: number;
  events: number;
  statusSpread: Record<string, number>;
}

const FIRST = [
  "Ada",
  "Ben",
  "Chloé",
  "Dario",
  "Emma",
  "Finn",
  "Greta",
  "Hugo",
  "Ines",
  "Jonas",
  "Kaja",
  "Lars",
  "Mia",
  "Noah",
  "Olga",
  "Pia",
  "Quinn",
  "Rosa",
  "Sven",
  "Tove",
  "Ugo",
  "Vera",
  "Wim",
  "Xenia",
  "Yann",
  "Zoë",
];
const LAST = [
  "Andersen",
  "Berg",
  "Costa",
  "Dahl",
  "Eriksen",
  "Fischer",
  "García",
  "Hansen",
  "Ito",
  "Jensen",
  "Kowalski",
  "Larsen",
  "Müller",
  "Nilsen",
  "Olsen",
  "Petersen",
  "Quist",
  "Rossi",
  "Schmidt",
  "Tanaka",
  "Ueda",
  "Vogel",
  "Weber",
  "Young",
  "Zeller",
];

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = (typeof EVENT_KINDS)[number];
/** Event kinds weighted as a running system produces them: mostly refreshes. */
const EVENT_WEIGHTS: [Kind, number][] = [
  ["refreshed", 80],
  ["refresh_failed", 6],
  ["linked", 5],
  ["relinked", 2],
  ["link_failed", 1],
  ["needs_reauth", 2],
  ["disconnected", 2],
  ["revocation_pending", 0.5],
  ["revocation_failed", 0.3],
  ["deregistered_by_service", 0.5],
  ["plan_changed", 0.7],
];

/** Column lists of the rows the seed writes, per table (instants as milliseconds since the epoch). */
const COLUMNS = {
  users: ["id", "email", "name", "password_hash", "role", "created_at"],
  coach_athletes: ["coach_id", "athlete_id", "created_at"],
  accounts: [
    "id",
    "user_id",
    "type",
    "provider",
    "provider_account_id",
    "access_token",
    "refresh_token",
    "key_id",
    "expires_at",
    "token_type",
    "scope",
    "requested_scope",
    "environment",
    "state",
    "linked_at",
    "last_refreshed_at",
    "last_error",
    "last_error_at",
    "failure_count",
    "next_attempt_at",
    "updated_at",
  ],
  connection_events: ["created_at", "actor_id", "athlete_id", "service", "kind", "detail"],
  admin_actions: ["at", "actor_id", "target_user_id", "kind", "service", "detail"],
  api_keys: ["id", "name", "prefix", "key_hash", "scopes", "created_by", "created_at"],
} as const;
type Table = keyof typeof COLUMNS;
/** Columns that hold instants (milliseconds here; timestamptz on PostgreSQL). */
const INSTANTS = new Set(["created_at", "linked_at", "last_refreshed_at", "last_error_at", "next_attempt_at", "updated_at", "at"]);

/** Where seeded rows go: `add` may resolve later (PostgreSQL flushes every 1,000 rows); `finish` commits. */
interface Sink {
  add(table: Table, values: unknown[]): Promise<void> | void;
  finish(): Promise<void>;
}

async function sqliteSink(path: string): Promise<Sink> {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  await migrateDatabase(path);
  const sqlite = new Database(path);
  sqlite.pragma("synchronous = OFF"); // a throwaway file: no need to survive a power cut while seeding
  const statements = Object.fromEntries(
    Object.entries(COLUMNS).map(([table, columns]) => [
      table,
      sqlite.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`),
    ]),
  ) as Record<Table, Database.Statement>;
  sqlite.exec("BEGIN");
  return {
    add: (table, values) => void statements[table].run(...values),
    finish: async () => {
      sqlite.exec("COMMIT");
      sqlite.pragma("synchronous = NORMAL");
      sqlite.exec("ANALYZE");
      sqlite.pragma("wal_checkpoint(TRUNCATE)");
      sqlite.close();
    },
  };
}

async function postgresSink(url: string): Promise<Sink> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", (error) => console.error(`[bench] seed connection: ${error.message}`));
  await client.connect();
  await client.query("DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; CREATE SCHEMA public;");
  await migrateDatabase(url);
  const buffers = Object.fromEntries(Object.keys(COLUMNS).map((t) => [t, [] as unknown[][]])) as Record<Table, unknown[][]>;
  const flush = async (table: Table): Promise<void> => {
    if (table !== "users") await flush("users"); // every other table refers to users: their rows go first
    const rows = buffers[table];
    if (rows.length === 0) return;
    buffers[table] = [];
    const columns = COLUMNS[table];
    const params: unknown[] = [];
    const tuples = rows.map(
      (row) =>
        `(${row.map((value, i) => (params.push(INSTANTS.has(columns[i]!) && typeof value === "number" ? new Date(value) : value), `$${params.length}`)).join(", ")})`,
    );
    await client.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`, params);
  };
  return {
    add: (table, values) => {
      buffers[table].push(values);
      if (buffers[table].length >= 1_000) return flush(table);
    },
    finish: async () => {
      for (const table of Object.keys(COLUMNS) as Table[]) await flush(table);
      await client.query("VACUUM ANALYZE");
      await client.end();
    },
  };
}

export async function seedBenchDatabase(options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const coaches = options.coaches ?? 50;
  const admins = options.admins ?? 3;
  const rosterSize = Math.min(options.rosterSize ?? 100, options.athletes);
  const random = prng(options.seed ?? 7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const keyring = parseKeyring(BENCH_TOKEN_KEY);
  const passwordHash = await hashPassword(BENCH_PASSWORD); // once: argon2id costs ~50 ms a hash

  const sink = dialectOf(options.url) === "postgres" ? await postgresSink(options.url) : await sqliteSink(sqlitePath(options.url));
  const now = Date.now();
  const nowS = Math.floor(now / 1000);

  const SCOPES: Record<ServiceId, string> = {
    trainerday: "athlete:read calendar:read workout:read",
    enduco: "plans_read user_read workouts_write",
    fitrankings: "",
    exorlive: "",
  };
  const spread: Record<string, number> = {};
  const result = { users: 0, rosterLinks: 0, athletesWithTwoCoaches: 0, connections: 0, events: 0 };

  {
    const adminIds: string[] = [];
    const coachIds: string[] = [];
    const athleteIds: string[] = [];
    const createdAt = now - 200 * 86_400_000;
    for (let i = 1; i <= admins; i++) {
      const id = randomUUID();
      await sink.add("users", [id, benchEmail.admin(i), `Admin ${LAST[i % LAST.length]} ${i}`, passwordHash, "admin", createdAt]);
      adminIds.push(id);
    }
    for (let i = 1; i <= coaches; i++) {
      const id = randomUUID();
      await sink.add("users", [id, benchEmail.coach(i), `Coach ${pick(FIRST)} ${pick(LAST)} ${i}`, passwordHash, "coach", createdAt]);
      coachIds.push(id);
    }
    for (let i = 1; i <= options.athletes; i++) {
      const id = randomUUID();
      await sink.add("users", [id, benchEmail.athlete(i), `${pick(FIRST)} ${pick(LAST)} ${i}`, passwordHash, "athlete", createdAt + i * 1000]);
      athleteIds.push(id);
    }
    result.users = admins + coaches + options.athletes;

    // Rosters: coach c takes `rosterSize` consecutive athletes starting at c·stride, stride = 90% of an even
    // share, so the last tenth of each roster is also on the next coach's (two coaches) and the athletes past
    // the last roster have none (unassigned), as in real life.
    const stride = Math.max(1, Math.floor((options.athletes * 0.9) / coaches));
    const coachCount = new Map<string, number>();
    for (const [c, coachId] of coachIds.entries()) {
      for (let k = 0; k < rosterSize; k++) {
        const athleteId = athleteIds[(c * stride + k) % options.athletes]!;
        await sink.add("coach_athletes", [coachId, athleteId, createdAt]);
        coachCount.set(athleteId, (coachCount.get(athleteId) ?? 0) + 1);
        result.rosterLinks++;
      }
    }
    result.athletesWithTwoCoaches = [...coachCount.values()].filter((n) => n >= 2).length;

    // Connections: one row per athlete and service, in a spread of states and expiries.
    for (const [a, athleteId] of athleteIds.entries()) {
      for (const service of SERVICE_IDS) {
        const id = randomUUID();
        const r = random();
        const refreshable = service !== "fitrankings";
        let state = "connected";
        let tokens = true;
        let expiresAt: number | null = refreshable ? nowS + 600 + Math.floor(random() * 6600) : null;
        let failureCount = 0;
        let lastError: string | null = null;
        let lastErrorAt: number | null = null;
        let nextAttemptAt: number | null = null;
        let label = "connected";
        if (r < 0.15) {
          state = "disconnected";
          tokens = false;
          expiresAt = null;
          label = "not_connected";
        } else if (r < 0.18) {
          state = "revoked_by_service";
          tokens = false;
          expiresAt = null;
          label = "revoked_by_service";
        } else if (r < 0.24) {
          state = "needs_reauth";
          lastError = "invalid_grant: the refresh token was revoked";
          lastErrorAt = now - Math.floor(random() * 20 * 86_400_000);
          label = "needs_reauth";
        } else if (r < 0.26) {
          state = "revocation_pending";
          lastError = "the service could not be reached (HTTP 503)";
          lastErrorAt = now - Math.floor(random() * 3_600_000);
          nextAttemptAt = now + 60_000;
          label = "revocation_pending";
        } else if (r < 0.32 && refreshable) {
          failureCount = 1 + Math.floor(random() * 4);
          lastError = "the service could not be reached (HTTP 503)";
          lastErrorAt = now - Math.floor(random() * 3_600_000);
          nextAttemptAt = now + 30_000 * 2 ** (failureCount - 1);
          label = "refresh_failing";
        } else if (r < 0.4 && refreshable) {
          expiresAt = nowS + Math.floor(random() * 290);
          label = "expiring";
        }
        spread[label] = (spread[label] ?? 0) + 1;
        const access = tokens ? seal(`bench-${service}-at-${a}`, keyring, `accounts.access_token:${id}`) : null;
        const refresh = tokens && refreshable ? seal(`bench-${service}-rt-${a}`, keyring, `accounts.refresh_token:${id}`) : null;
        const linkedAt = now - Math.floor(random() * 150 * 86_400_000);
        await sink.add("accounts", [
          id,
          athleteId,
          "oauth",
          service,
          `bench-${service}-${a}`,
          access,
          refresh,
          access ? sealedKeyId(access) : null,
          expiresAt,
          "Bearer",
          SCOPES[service],
          SCOPES[service],
          "production",
          state,
          linkedAt,
          tokens && refreshable ? now - Math.floor(random() * 7_200_000) : null,
          lastError,
          lastErrorAt,
          failureCount,
          nextAttemptAt,
          now,
        ]);
        result.connections++;
      }
    }

    // connection_events over the last 180 days, oldest first (ids grow with time, as in production).
    const totalWeight = EVENT_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
    const span = 180 * 86_400_000;
    for (let e = 0; e < options.events; e++) {
      let roll = random() * totalWeight;
      let kind: Kind = "refreshed";
      for (const [k, w] of EVENT_WEIGHTS) {
        roll -= w;
        if (roll <= 0) {
          kind = k;
          break;
        }
      }
      const athleteIndex = Math.floor(random() * options.athletes);
      const athleteId = athleteIds[athleteIndex]!;
      const service = pick(SERVICE_IDS);
      const actor = kind === "refreshed" && random() < 0.8 ? null : random() < 0.9 ? athleteId : pick(adminIds);
      const at = now - span + Math.floor((e / options.events) * span);
      const detail =
        kind === "refreshed"
          ? `new access token valid until ${new Date(at + 3_600_000).toISOString()}; refresh token rotated`
          : kind === "refresh_failed"
            ? "transient (unavailable): the service could not be reached (HTTP 503); tokens kept"
            : kind.startsWith("link") || kind === "relinked"
              ? `granted: ${SCOPES[service] || "(none)"}`
              : null;
      await sink.add("connection_events", [at, actor, athleteId, service, kind, detail]);
      result.events++;
    }

    // The integrator's API key (bench/config.ts BENCH_API_KEY), every scope.
    await sink.add("api_keys", [
      randomUUID(),
      "Benchmark integration",
      BENCH_API_KEY.slice(0, 12),
      createHash("sha256").update(BENCH_API_KEY).digest("hex"),
      API_KEY_SCOPES.join(" "),
      adminIds[0] ?? null,
      now,
    ]);

    // Admin actions: a few per day.
    for (let i = 0; i < Math.min(2_000, Math.ceil(options.events / 100)); i++) {
      const target = pick(athleteIds);
      await sink.add("admin_actions", [
        now - Math.floor(random() * 180 * 86_400_000),
        pick(adminIds),
        target,
        pick(["coach_assigned", "role_changed", "user_created", "connection_revoked"]),
        null,
        "seeded by the benchmark",
      ]);
    }
  }

  await sink.finish();
  return { ms: Date.now() - started, ...result, statusSpread: spread };
}

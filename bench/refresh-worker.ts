/**
 * The refresh half of `npm run bench`, in its own process so that REFRESHER_CONCURRENCY (read once by
 * lib/env) can differ per run. Run with `tsx --conditions=react-server` and the bench environment
 * (bench/config.ts benchAppEnv); the app modules are the real ones, against the real sandbox.
 *
 *   link <count>   links <count> TrainerDay, enduco and ExorLive connections of seeded athletes through the
 *                  sandbox's real flows (consent + code exchange; ExorLive's server-to-server link) and stores
 *                  them with storeLinkedConnection; writes the set to data/bench/refresh-set.json.
 *   served [s]     makes the set due while app servers with their own refresher run (the bench's latency line),
 *                  waits until all are refreshed (at most s seconds, default 300), and checks them as drain does.
 *   drain [n]      makes every connection of the set due at once, runs the refresher until drained in `n` instances
 *                  (default 1: separate processes of scripts/refresher-instance.ts, each runRefresherUntilDrained
 *                  with REFRESHER_CONCURRENCY in flight, sharing the database), then checks each connection
 *                  against the sandbox: refresh requests per connection (duplicates) and stored tokens (losses).
 *
 * The last line of stdout is the JSON result.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { and, count, eq, gte, inArray, isNotNull, lte, max } from "drizzle-orm";
import { startRefresherInstance } from "../scripts/refresher-instances";
import { BENCH_REFRESH_SET, BENCH_SANDBOX_URL } from "./config";

type RefreshService = "trainerday" | "enduco" | "exorlive";
interface SetEntry {
  id: string;
  userId: string;
  service: RefreshService;
  /** The sandbox's account (username, or ExorLive user id): what its request log and tokens carry. */
  account: string;
}

const { env } = await import("@/lib/env");
const { getIntegration, findAuthorizationCodeIntegration, isServerToServer } = await import("@/lib/integrations/registry");
const { storeLinkedConnection } = await import("@/lib/linking/store");
const { openToken } = await import("@/lib/connections/sealing");
const { db } = await import("@/db");
const { accounts } = await import("@/db/schema");

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${BENCH_SANDBOX_URL}${path}`);
  if (!res.ok) throw new Error(`sandbox ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** TrainerDay or enduco through the consent page, as the browser would; ExorLive server to server. */
async function linkOne(entry: { userId: string; service: RefreshService }, index: number): Promise<string> {
  const integration = getIntegration(entry.service);
  if (isServerToServer(integration)) {
    const account = String(900_000_000 + index);
    const exchange = await integration.linkUser(account);
    await storeLinkedConnection({
      athleteId: entry.userId,
      actorId: entry.userId,
      integration,
      tokens: exchange.tokens,
      accountId: exchange.accountId,
    });
    return account;
  }
  const flow = findAuthorizationCodeIntegration(entry.service);
  if (!flow?.credentials) throw new Error(`${entry.service} is not configured`);
  const redirectUri = `${env.NEXTAUTH_URL}/api/auth/callback/${entry.service}`;
  const authorize = new URL(flow.authorizationUrl);
  authorize.search = new URLSearchParams({
    client_id: flow.credentials.clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: flow.requestedScopes.join(" "),
    state: `bench-${index}`,
  }).toString();
  const html = await (await fetch(authorize)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !requestId) throw new Error(`${entry.service}: no consent page`);
  const username = `bench-${entry.service}-${index}`;
  const body = new URLSearchParams({ request_id: requestId, username, decision: "approve" });
  for (const scope of flow.requestedScopes) body.append("scope", scope);
  const decided = await fetch(new URL(action, BENCH_SANDBOX_URL), { method: "POST", body, redirect: "manual" });
  const code = new URL(decided.headers.get("location") ?? "http://x/").searchParams.get("code");
  if (!code) throw new Error(`${entry.service}: no code`);
  const exchange = await flow.exchangeCode(code, redirectUri, {});
  await storeLinkedConnection({
    athleteId: entry.userId,
    actorId: entry.userId,
    integration: flow,
    tokens: exchange.tokens,
    accountId: exchange.accountId,
  });
  return username;
}

async function link(count: number) {
  const started = Date.now();
  const rows = (await db
    .select({ id: accounts.id, userId: accounts.userId, service: accounts.provider })
    .from(accounts)
    .where(inArray(accounts.provider, ["trainerday", "enduco", "exorlive"]))
    .orderBy(accounts.userId, accounts.provider)
    .limit(count)) as { id: string; userId: string; service: RefreshService }[];
  if (rows.length < count) throw new Error(`only ${rows.length} refreshable connections seeded; ${count} asked`);
  const set: SetEntry[] = new Array(rows.length);
  let failed = 0;
  await pool(rows, 16, async (row, index) => {
    try {
      set[index] = { ...row, account: await linkOne(row, index) };
    } catch (error) {
      failed++;
      if (failed <= 3) console.error(`link ${row.service} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  if (failed > 0) throw new Error(`${failed} links failed`);
  writeFileSync(BENCH_REFRESH_SET, JSON.stringify(set));
  return { linked: set.length, ms: Date.now() - started };
}

interface StatRow {
  service: string;
  account: string | null;
  status: number;
  count: number;
}
interface TokenRow {
  service: string;
  kind: string;
  value: string;
  account?: string;
  active: boolean;
}

async function refreshCounts(): Promise<Map<string, number>> {
  const rows = await getJson<StatRow[]>("/__sandbox/counts?endpoint=token&grantType=refresh_token");
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(`${r.service} ${r.account}`, (counts.get(`${r.service} ${r.account}`) ?? 0) + r.count);
  return counts;
}

/** Makes every connection of `set` due at once (and no other); returns the sandbox's refresh counts before. */
async function makeDue(set: SetEntry[]): Promise<Map<string, number>> {
  const nowMs = Date.now();
  const nowS = Math.floor(nowMs / 1000);
  const setIds = set.map((e) => e.id);
  // Only the set may be due: push every other connection out of the refresher's reach for this run.
  await db
    .update(accounts)
    .set({ expiresAt: nowS + 2 * 86_400 })
    .where(and(eq(accounts.state, "connected"), isNotNull(accounts.expiresAt), lte(accounts.expiresAt, nowS + 86_400)));
  await db
    .update(accounts)
    .set({ nextAttemptAt: new Date(nowMs + 86_400_000) })
    .where(eq(accounts.state, "revocation_pending"));
  const before = await refreshCounts();
  for (let i = 0; i < setIds.length; i += 1_000) {
    await db
      .update(accounts)
      .set({ expiresAt: nowS - 10, nextAttemptAt: null, failureCount: 0 })
      .where(inArray(accounts.id, setIds.slice(i, i + 1_000)));
  }
  return before;
}

/** The stored rows of `set`, by id. */
async function storedRows(set: SetEntry[]) {
  const stored = new Map<string, typeof accounts.$inferSelect>();
  for (let i = 0; i < set.length; i += 1_000) {
    const ids = set.slice(i, i + 1_000).map((e) => e.id);
    for (const row of await db.select().from(accounts).where(inArray(accounts.id, ids))) stored.set(row.id, row);
  }
  return stored;
}

/**
 * Checks `set` after a drain that started at `started` (ms since the epoch) against the sandbox: refresh requests
 * per connection beyond one (duplicates), connections never refreshed (missing), and connections whose stored
 * tokens are not the newest the sandbox issued for their account (lost, with reasons). `rows`: the set's stored
 * rows when the caller has just read them (else read here).
 */
async function check(set: SetEntry[], before: Map<string, number>, started: number, rows?: Map<string, typeof accounts.$inferSelect>) {
  const after = await refreshCounts();
  const expected = new Set(set.map((e) => `${e.service} ${e.account}`));
  let duplicates = 0;
  let requests = 0;
  let missing = 0;
  let unexpected = 0;
  for (const [key, n] of after) {
    const delta = n - (before.get(key) ?? 0);
    if (delta <= 0) continue;
    requests += delta;
    if (expected.has(key)) duplicates += delta - 1;
    else unexpected += delta;
  }
  for (const key of expected) if ((after.get(key) ?? 0) - (before.get(key) ?? 0) === 0) missing++;

  // Losses: every connection must be connected, fresh, open under the key, and hold the newest refresh and
  // access tokens the sandbox issued for its account.
  const latest = new Map<string, { access?: string; refresh?: string }>();
  for (const service of ["trainerday", "enduco", "exorlive"]) {
    for (const t of await getJson<TokenRow[]>(`/__sandbox/tokens?service=${service}`)) {
      if (!t.active || !t.account || (t.kind !== "access" && t.kind !== "refresh")) continue;
      const entry = latest.get(`${service} ${t.account}`) ?? {};
      entry[t.kind] = t.value; // issue order: the last active one wins
      latest.set(`${service} ${t.account}`, entry);
    }
  }
  const stored = rows ?? (await storedRows(set));
  let lost = 0;
  const reasons: Record<string, number> = {};
  for (const entry of set) {
    const row = stored.get(entry.id);
    const issued = latest.get(`${entry.service} ${entry.account}`);
    let reason: string | null = null;
    try {
      if (!row || row.state !== "connected") reason = `state ${row?.state ?? "missing"}`;
      else if (!row.accessToken || !row.refreshToken) reason = "token missing";
      else if (row.lastRefreshedAt === null || row.lastRefreshedAt.getTime() < started) reason = "not refreshed";
      else if (openToken(row.refreshToken, entry.id, "refresh_token") !== issued?.refresh) reason = "refresh token is not the sandbox's latest";
      else if (openToken(row.accessToken, entry.id, "access_token") !== issued?.access) reason = "access token is not the sandbox's latest";
    } catch {
      reason = "token does not open";
    }
    if (reason) {
      lost++;
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
  }
  return { requests, duplicates, missing, unexpected, lost, reasons };
}

async function drain(instances: number) {
  const set = JSON.parse(readFileSync(BENCH_REFRESH_SET, "utf8")) as SetEntry[];
  const before = await makeDue(set);
  // `instances` processes of the app's refresher (startRefresher runs the same loop every REFRESHER_INTERVAL_MS).
  const go = `${BENCH_REFRESH_SET}.go`;
  rmSync(go, { force: true });
  const children = Array.from({ length: instances }, () => startRefresherInstance(go));
  await Promise.all(children.map((c) => c.ready));
  const started = Date.now();
  writeFileSync(go, "");
  const done = await Promise.all(children.map((c) => c.done));
  const ms = Date.now() - started;
  rmSync(go, { force: true });
  return {
    engine: db.engine,
    instances,
    perInstance: done.map((d) => d.refreshed),
    concurrency: env.REFRESHER_CONCURRENCY,
    connections: set.length,
    ms,
    perSecond: Math.round((set.length / ms) * 1000 * 10) / 10,
    passes: Math.max(...done.map((d) => d.passes)),
    refreshed: done.reduce((sum, d) => sum + d.refreshed, 0),
    failed: done.reduce((sum, d) => sum + d.failed, 0),
    ...(await check(set, before, started)),
  };
}

/**
 * `served`: makes the set due while running app servers (their own background refreshers) do the work, waits
 * until every connection of the set was refreshed (at most `timeoutS` seconds), then checks it. The time is from
 * making them due to the last connection's refresh.
 */
async function served(timeoutS: number) {
  const set = JSON.parse(readFileSync(BENCH_REFRESH_SET, "utf8")) as SetEntry[];
  const started = Date.now();
  const before = await makeDue(set);
  // Polled with one aggregate row a second (20,000 full rows every 250 ms would cost the machine more than the
  // refreshes it measures). Only the set can be due (makeDue pushed every other connection out), so every refresh
  // since `started` is one of the set's; the full check below reads the rows once, at the end.
  const since = new Date(started);
  for (;;) {
    const progress = await db
      .select({ n: count(), last: max(accounts.lastRefreshedAt) })
      .from(accounts)
      .where(gte(accounts.lastRefreshedAt, since))
      .then((rows) => rows[0]);
    const refreshed = progress?.n ?? 0;
    if (refreshed >= set.length || Date.now() - started > timeoutS * 1000) {
      const stored = await storedRows(set);
      const done = [...stored.values()].filter((r) => r.lastRefreshedAt && r.lastRefreshedAt.getTime() >= started);
      const failing = [...stored.values()].filter((r) => r.failureCount > 0).length;
      const last = Math.max(started, ...done.map((r) => r.lastRefreshedAt!.getTime()));
      const ms = last - started;
      return {
        engine: db.engine,
        connections: set.length,
        refreshed: done.length,
        failing,
        ms,
        perSecond: Math.round((done.length / Math.max(1, ms)) * 1000 * 10) / 10,
        ...(await check(set, before, started, stored)),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const [command, arg] = process.argv.slice(2);
const result =
  command === "link"
    ? await link(Number(arg))
    : command === "drain"
      ? await drain(Number(arg ?? 1))
      : command === "served"
        ? await served(Number(arg ?? 300))
        : null;
if (!result) throw new Error("usage: refresh-worker.ts link <count> | drain [instances] | served [timeout seconds]");
console.log(JSON.stringify(result));
process.exit(0);

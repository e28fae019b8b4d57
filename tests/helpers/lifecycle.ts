import { firstRow } from "@/db/first";
/**
 * A real environment for lifecycle tests: the sandbox in-process on a free port, the app's env pointed at it,
 * a migrated SQLite file (tests/setup.ts makes a fresh one per test file), and a way to link a connection
 * through the sandbox's real consent and token endpoints. Call startLifecycleEnv() before anything reads env
 * (lib/env.ts validates it once, on the first read), e.g. first thing in the test file's `before` hook.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { accounts, connectionEvents, users } from "@/db/schema";
import { findAuthorizationCodeIntegration, getIntegration, isTokenInCallback } from "@/lib/integrations/registry";
import { storeLinkedConnection } from "@/lib/linking/store";
import { startSandbox } from "../../sandbox/server";
import { openMigratedDb } from "./db";

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/** `enducoClientSecret`: the enduco client secret both the sandbox and the app use (default "sandbox-enduco-secret"). */
export async function startLifecycleEnv(options: { enducoClientSecret?: string } = {}) {
  const requesterUrl = "http://localhost:3000/exorlive";
  const enducoClientSecret = options.enducoClientSecret ?? "sandbox-enduco-secret";
  const sandbox = await startSandbox({
    port: 0,
    log: () => {},
    tokenTimeoutMs: 60_000,
    env: { EXORLIVE_REQUESTER_URL: requesterUrl, ENDUCO_CLIENT_SECRET: enducoClientSecret },
  });
  Object.assign(process.env, {
    NEXTAUTH_URL: "http://localhost:3000",
    TRAINERDAY_BASE_URL: `${sandbox.url}/trainerday`,
    TRAINERDAY_CLIENT_ID: "sandbox-trainerday-client",
    TRAINERDAY_CLIENT_SECRET: "sandbox-trainerday-secret",
    ENDUCO_BASE_URL: `${sandbox.url}/enduco`,
    ENDUCO_CLIENT_ID: "sandbox-enduco-client",
    ENDUCO_CLIENT_SECRET: enducoClientSecret,
    EXORLIVE_AUTH_URL: `${sandbox.url}/exorlive`,
    EXORLIVE_CLIENT_ID: "sandbox-exorlive-client",
    EXORLIVE_CLIENT_SECRET: "sandbox-exorlive-secret",
    EXORLIVE_REQUESTER_URL: requesterUrl,
    FITRANKINGS_BASE_URL: `${sandbox.url}/fitrankings`,
    FITRANKINGS_CLIENT_ID: "sandbox-fitrankings-client",
    FITRANKINGS_CLIENT_SECRET: "sandbox-fitrankings-secret",
    OUTBOUND_TIMEOUT_MS: "1500",
  });
  const { db } = await openMigratedDb();

  const mode = async (service: string, value: string) => {
    const res = await fetch(`${sandbox.url}/__sandbox/mode`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service, mode: value }),
    });
    assert.equal(res.status, 200, `mode ${value} on ${service}`);
  };
  const requests = async (service: string, endpoint: string) =>
    (await (await fetch(`${sandbox.url}/__sandbox/requests?service=${service}&endpoint=${endpoint}`)).json()) as {
      grantType?: string;
      status: number;
      account?: string;
    }[];

  /**
   * Runs `service`'s (TrainerDay or enduco) authorization-code flow through the sandbox's consent page as sandbox
   * user `username`, approving `scopes` (all requested by default), and exchanges the code: real tokens, live
   * at the sandbox, not stored anywhere yet.
   */
  async function issueTokens(service: "trainerday" | "enduco", username: string, scopes?: readonly string[]) {
    const integration = findAuthorizationCodeIntegration(service);
    assert.ok(integration);
    const redirectUri = `http://localhost:3000/api/auth/callback/${service}`;
    const authorize = new URL(integration.authorizationUrl);
    authorize.search = new URLSearchParams({
      client_id: integration.credentials!.clientId,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: integration.requestedScopes.join(" "),
      state: "s",
    }).toString();
    const html = await (await fetch(authorize)).text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && requestId, "consent page");
    const body = new URLSearchParams({ request_id: requestId, username, decision: "approve" });
    for (const s of scopes ?? integration.requestedScopes) body.append("scope", s);
    const decided = await fetch(`${sandbox.url}${action}`, { method: "POST", body, redirect: "manual" });
    const code = new URL(decided.headers.get("location")!).searchParams.get("code");
    assert.ok(code, "authorization code");
    return { integration, exchange: await integration.exchangeCode(code, redirectUri, {}) };
  }

  /** A new athlete user; returns its id. */
  async function newAthlete(): Promise<string> {
    const userId = randomUUID();
    await db.insert(users).values({ id: userId, email: `${userId}@test.example`, name: "Test", role: "athlete" });
    return userId;
  }

  /**
   * Links `service` (TrainerDay or enduco) through the sandbox's consent page as sandbox user `username` (a new
   * one by default), for the athlete `userId` or a new athlete, approving `scopes` (all requested by default).
   */
  async function linkAthlete(service: "trainerday" | "enduco", options: { username?: string; userId?: string; scopes?: readonly string[] } = {}) {
    const userId = options.userId ?? (await newAthlete());
    const username = options.username ?? `${service}-${userId.slice(0, 8)}`;
    const { integration, exchange } = await issueTokens(service, username, options.scopes);
    await storeLinkedConnection({ athleteId: userId, actorId: userId, integration, tokens: exchange.tokens, accountId: exchange.accountId });
    const row = (await db.select().from(accounts).where(eq(accounts.userId, userId)).limit(1).then(firstRow))!;
    return { userId, username, connectionId: row.id, tokens: exchange.tokens };
  }

  /**
   * Links FitRankings for the athlete `userId` (a new one by default) as sandbox user `username` (a new one by
   * default) the way its callback does (lib/integrations/fitrankings/callback.ts): the sandbox's consent page
   * returns `?token=…&user_id=…`, the token is confirmed with identifyUser, then stored.
   */
  async function linkFitRankings(options: { username?: string; userId?: string } = {}) {
    const integration = getIntegration("fitrankings");
    assert.ok(isTokenInCallback(integration));
    const userId = options.userId ?? (await newAthlete());
    const username = options.username ?? `fitrankings-${userId.slice(0, 8)}`;
    const html = await (await fetch(integration.authorizationRequestUrl("http://localhost:3000/api/connections/fitrankings/callback/s"))).text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && requestId, "consent page");
    const decided = await fetch(`${sandbox.url}${action}`, {
      method: "POST",
      body: new URLSearchParams({ request_id: requestId, username, decision: "approve" }),
      redirect: "manual",
    });
    const callback = new URL(decided.headers.get("location")!).searchParams;
    const token = callback.get("token");
    assert.ok(token, "user token in the callback");
    const accountId = await integration.identifyUser(token);
    assert.equal(accountId, callback.get("user_id"));
    await storeLinkedConnection({
      athleteId: userId,
      actorId: userId,
      integration,
      tokens: { accessToken: token, refreshToken: null, expiresAt: null, tokenType: "Bearer", grantedScope: [] },
      accountId,
    });
    const row = (await db.select().from(accounts).where(eq(accounts.userId, userId)).limit(1).then(firstRow))!;
    return { userId, username, connectionId: row.id, token };
  }

  /** The tokens the sandbox issued to sandbox user `account` at `service`, and whether each is still active. */
  async function issuedTokens(service: string, account: string) {
    const all = (await (await fetch(`${sandbox.url}/__sandbox/tokens?service=${service}`)).json()) as {
      account?: string;
      kind: string;
      active: boolean;
    }[];
    return all.filter((t) => t.account === account);
  }

  /** Makes a connection's access token look expired to the app (its stored expires_at, seconds). */
  async function expire(connectionId: string, secondsFromNow = -10) {
    await db
      .update(accounts)
      .set({ expiresAt: Math.floor(Date.now() / 1000) + secondsFromNow })
      .where(eq(accounts.id, connectionId));
  }

  /** The connection row `connectionId` (it must exist). */
  async function row(connectionId: string) {
    return (await db.select().from(accounts).where(eq(accounts.id, connectionId)).limit(1).then(firstRow))!;
  }

  /** The connection_events of `athleteId`, oldest first. */
  async function events(athleteId: string) {
    return db.select().from(connectionEvents).where(eq(connectionEvents.athleteId, athleteId)).orderBy(asc(connectionEvents.id));
  }

  return { sandbox, mode, requests, issueTokens, newAthlete, linkAthlete, linkFitRankings, issuedTokens, expire, row, events, db };
}

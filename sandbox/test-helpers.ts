/**
 * Shared helpers for the sandbox's unit tests (the `*.test.ts` files under sandbox/): the in-process sandbox on a
 * free port (`sandboxPerFile`), form posts, the consent page, each service's code and token requests, OAuth error
 * checks and the control API. Not a test file itself.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach } from "node:test";
import { startSandbox, type RunningSandbox } from "./server.js";

export const TD = { id: "sandbox-trainerday-client", secret: "sandbox-trainerday-secret" };
export const EN = { id: "sandbox-enduco-client", secret: "sandbox-enduco-secret" };
export const FR = { id: "sandbox-fitrankings-client", secret: "sandbox-fitrankings-secret" };
export const EX = { id: "sandbox-exorlive-client", secret: "sandbox-exorlive-secret", requester: "http://localhost:3000/exorlive" };
export const CALLBACK = "http://localhost:3000/api/callback?provider=x";

/** The shared sandbox's URL (set by `sandboxPerFile`; `onSandbox` points it elsewhere for a while). */
export let base: string;
/** Every log line of the shared sandbox. */
export const logLines: string[] = [];

/** Process env without the app's real credentials, so defaults apply whatever the shell has. */
export const cleanEnv: Record<string, string | undefined> = {};

/**
 * Starts the shared sandbox for the calling test file (free port, `cleanEnv`, token_timeout of 300 ms, log lines
 * into `logLines`), closes it after the file and resets it before each test. Call once at the file's top level.
 */
export function sandboxPerFile(): void {
  let sandbox: RunningSandbox;

  before(async () => {
    sandbox = await startSandbox({ port: 0, env: cleanEnv, tokenTimeoutMs: 300, log: (l) => logLines.push(l) });
    base = sandbox.url;
  });

  after(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    await fetch(`${base}/__sandbox/reset`, { method: "POST" });
  });
}

// ---------- requests and consent ----------

export function form(values: Record<string, string>): URLSearchParams {
  return new URLSearchParams(values);
}

export async function postForm(url: string, values: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", body: form(values), headers, redirect: "manual" });
}

export async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

export function basic(id: string, secret: string): string {
  const enc = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2); // form-urlencoding
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`, "utf8").toString("base64")}`;
}

export async function setMode(url: string, service: string, mode: string): Promise<void> {
  const res = await fetch(`${url}/__sandbox/mode`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ service, mode }),
  });
  assert.equal(res.status, 200);
}

export interface ConsentOptions {
  username?: string;
  uncheck?: string[];
  decision?: "approve" | "deny";
}

export interface ParsedConsent {
  action: string;
  requestId: string;
  username: string;
  scopes: string[];
}

export function parseConsent(html: string): ParsedConsent {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  const username = /id="username" name="username" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(action && requestId && username, "consent page has form, request id and username");
  const scopes = [...html.matchAll(/type="checkbox" id="scope-\d+" name="scope" value="([^"]+)" checked/g)].map((m) => m[1] ?? "");
  return { action, requestId, username, scopes };
}

/** Opens an authorize URL, submits the consent form, returns the redirect Location. */
export async function consent(authorizeUrl: string, opts: ConsentOptions = {}): Promise<{ location: URL; page: ParsedConsent }> {
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  assert.equal(res.status, 200, "consent page shown");
  const page = parseConsent(await res.text());
  const body = new URLSearchParams({ request_id: page.requestId, username: opts.username ?? page.username });
  for (const s of page.scopes) if (!opts.uncheck?.includes(s)) body.append("scope", s);
  body.append("decision", opts.decision ?? "approve");
  const decided = await fetch(`${new URL(authorizeUrl).origin}${page.action}`, { method: "POST", body, redirect: "manual" });
  assert.equal(decided.status, 302);
  const location = decided.headers.get("location");
  assert.ok(location);
  return { location: new URL(location), page };
}

// ---------- TrainerDay ----------

export function tdAuthorizeUrl(scope: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: TD.id, redirect_uri: CALLBACK, response_type: "code", scope, ...extra });
  return `${base}/trainerday/oauth/authorize/?${q.toString()}`;
}

export async function tdCode(scope = "calendar:read workout:read", opts: ConsentOptions = {}): Promise<string> {
  const { location } = await consent(tdAuthorizeUrl(scope), opts);
  const code = location.searchParams.get("code");
  assert.ok(code);
  return code;
}

export async function tdExchange(code: string, redirectUri = CALLBACK): Promise<Response> {
  return postForm(`${base}/trainerday/oauth/token`, {
    grant_type: "authorization_code",
    code,
    client_id: TD.id,
    client_secret: TD.secret,
    redirect_uri: redirectUri,
  });
}

export async function tdTokens(opts: ConsentOptions = {}): Promise<Record<string, unknown>> {
  const res = await tdExchange(await tdCode(undefined, opts));
  assert.equal(res.status, 200);
  return json(res);
}

export async function tdRefresh(refreshToken: string): Promise<Response> {
  return postForm(`${base}/trainerday/oauth/token`, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: TD.id,
    client_secret: TD.secret,
  });
}

export async function assertOAuthError(res: Response, status: number, error: string): Promise<void> {
  assert.equal(res.status, status);
  const body = await json(res);
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, "string");
}

// ---------- enduco ----------

export function enAuthorizeUrl(url: string, clientId: string, scope = "workouts_write plans_read user_read", state = "en-state"): string {
  const q = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: CALLBACK, scope, state });
  return `${url}/enduco/oauth2/authorize?${q.toString()}`;
}

export async function enCode(opts: ConsentOptions = {}, url = base, clientId = EN.id): Promise<string> {
  const { location } = await consent(enAuthorizeUrl(url, clientId), opts);
  assert.equal(location.searchParams.get("state"), "en-state");
  const code = location.searchParams.get("code");
  assert.match(code ?? "", /^sbx-en-code-[0-9a-f]{32}$/);
  return code ?? "";
}

export async function enToken(values: Record<string, string>, auth = basic(EN.id, EN.secret), url = base): Promise<Response> {
  return postForm(`${url}/enduco/oauth2/token`, values, { Authorization: auth });
}

export async function enTokens(username?: string): Promise<Record<string, unknown>> {
  const code = await enCode(username !== undefined ? { username } : {});
  const res = await enToken({ grant_type: "code", code, redirect_uri: CALLBACK });
  assert.equal(res.status, 200);
  return json(res);
}

export async function enRefresh(refreshToken: string, url = base): Promise<Response> {
  return enToken({ grant_type: "refresh_token", refresh_token: refreshToken, clientId: EN.id }, basic(EN.id, EN.secret), url);
}

// ---------- ExorLive ----------

export function exAuthorizeUrl(overrides: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    user_id: "12345",
    response_type: "code",
    client_id: EX.id,
    client_secret: EX.secret,
    redirect_uri: EX.requester,
    scope: "read_profile read_workout create_session",
    ...overrides,
  });
  return `${base}/exorlive/Providers/OAuth/Authorize.aspx?${q.toString()}`;
}

export async function exToken(values: Record<string, string>): Promise<Response> {
  return postForm(`${base}/exorlive/Providers/OAuth/Token.ashx`, {
    client_id: EX.id,
    client_secret: EX.secret,
    redirect_uri: EX.requester,
    ...values,
  });
}

export async function exTokens(): Promise<Record<string, unknown>> {
  const { code } = (await (await fetch(exAuthorizeUrl())).json()) as { code: string };
  const res = await exToken({ grant_type: "authorization_code", code });
  assert.equal(res.status, 200);
  return json(res);
}

// ---------- control API ----------

export async function sandboxTokens(service: string, url = base): Promise<Array<Record<string, unknown>>> {
  return (await (await fetch(`${url}/__sandbox/tokens?service=${service}`)).json()) as Array<Record<string, unknown>>;
}

export async function recorded(service: string, endpoint: string, url = base): Promise<Array<Record<string, unknown>>> {
  return (await (await fetch(`${url}/__sandbox/requests?service=${service}&endpoint=${endpoint}`)).json()) as Array<Record<string, unknown>>;
}

export async function seed(url: string, value: unknown): Promise<Response> {
  return fetch(`${url}/__sandbox/seed`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ seed: value }),
  });
}

export async function stats(url = base): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/__sandbox/stats`);
  assert.equal(res.status, 200);
  return json(res);
}

/** Runs `fn` with the shared helpers (tdTokens, tdRefresh, …) pointed at another sandbox. */
export async function onSandbox<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const saved = base;
  base = url;
  try {
    return await fn();
  } finally {
    base = saved;
  }
}

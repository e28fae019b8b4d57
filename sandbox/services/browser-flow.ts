/** Shared browser flow: authorization request validation, the consent page and its decision endpoint. */
import type { ServiceId } from "../config.js";
import { renderConsentPage, renderErrorPage, type ConsentScope } from "../consent-page.js";
import type { RouteArgs } from "../context.js";
import { OAuthError, appendQuery, isValidRedirectUri, readForm, redirect, sendHtml, single } from "../http.js";
import { checkChallenge } from "../pkce.js";
import type { PendingConsent } from "../state.js";
import { newToken, randomHex, randomUsername, type TokenTag } from "../tokens.js";

const CONSENT_TTL_MS = 10 * 60 * 1000;
/** What the consent page accepts as a sandbox username. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@+-]{1,64}$/;

/** The path (under the service prefix) the consent form posts to. */
export const CONSENT_PATH = "/sandbox/consent";

/** Describes one authorization-code service (TrainerDay, enduco). */
export interface CodeFlowSpec {
  service: ServiceId;
  tag: TokenTag;
  supportedScopes: readonly string[];
  descriptions?: Readonly<Record<string, string>>;
}

/** Stores authorize parameters under a fresh opaque id and renders the consent page. */
export function showConsent(
  args: RouteArgs,
  pending: Omit<PendingConsent, "id" | "expiresAt" | "defaultUsername">,
  descriptions: Readonly<Record<string, string>> = {},
): void {
  const { ctx, res } = args;
  ctx.state.sweep();
  const entry: PendingConsent = {
    ...pending,
    id: randomHex(16),
    defaultUsername: randomUsername(pending.service),
    expiresAt: Date.now() + CONSENT_TTL_MS,
  };
  ctx.state.consents.set(entry.id, entry);
  sendHtml(res, 200, consentHtml(entry, descriptions));
}

function consentHtml(entry: PendingConsent, descriptions: Readonly<Record<string, string>>, error?: string, username?: string): string {
  const scopes: ConsentScope[] = entry.scope.map((id) => {
    const description = descriptions[id];
    return description !== undefined ? { id, description } : { id };
  });
  return renderConsentPage({
    service: entry.service,
    clientId: entry.clientId,
    requestId: entry.id,
    action: `/${entry.service}${CONSENT_PATH}`,
    scopes,
    username: username ?? entry.defaultUsername,
    ...(error !== undefined ? { error } : {}),
  });
}

/**
 * Handles `GET authorize` for a service using the standard code flow (TrainerDay, enduco), with
 * optional PKCE (S256 only; anything else redirects back with `error=invalid_request`).
 */
export function handleCodeAuthorize(args: RouteArgs, spec: CodeFlowSpec): void {
  const { ctx, res, query, info } = args;
  info.endpoint = "authorize";
  const fail = (message: string): void => sendHtml(res, 400, renderErrorPage(spec.service, message));
  let clientId: string | undefined;
  let redirectUri: string | undefined;
  let responseType: string | undefined;
  let scopeParam: string | undefined;
  let state: string | undefined;
  let codeChallenge: string | undefined;
  let codeChallengeMethod: string | undefined;
  try {
    clientId = single(query, "client_id");
    redirectUri = single(query, "redirect_uri");
    responseType = single(query, "response_type");
    scopeParam = single(query, "scope");
    state = single(query, "state");
    codeChallenge = single(query, "code_challenge");
    codeChallengeMethod = single(query, "code_challenge_method");
  } catch (err) {
    fail(err instanceof OAuthError ? err.description : "Malformed request.");
    return;
  }
  if (clientId === undefined || clientId !== ctx.config[spec.service].clientId) {
    fail("Unknown client_id.");
    return;
  }
  if (!isValidRedirectUri(redirectUri)) {
    fail("Missing or invalid redirect_uri (an absolute http(s) URL without fragment is required).");
    return;
  }
  if (responseType !== "code") {
    fail('response_type must be "code".');
    return;
  }
  const stateParams: Array<[string, string]> = state !== undefined ? [["state", state]] : [];
  const pkce = checkChallenge(codeChallenge, codeChallengeMethod);
  if (!pkce.ok) {
    redirect(res, appendQuery(redirectUri, [["error", "invalid_request"], ["error_description", pkce.description], ...stateParams]));
    return;
  }
  const requested = [...new Set((scopeParam ?? "").split(" ").filter((s) => s !== ""))];
  if (requested.length === 0 || requested.some((s) => !spec.supportedScopes.includes(s))) {
    redirect(res, appendQuery(redirectUri, [["error", "invalid_scope"], ...stateParams]));
    return;
  }
  showConsent(
    args,
    {
      service: spec.service,
      clientId,
      redirectUri,
      scope: requested,
      ...(state !== undefined ? { state } : {}),
      ...(pkce.challenge !== undefined ? { codeChallenge: pkce.challenge } : {}),
    },
    spec.descriptions,
  );
}

/** What a service returns on approval: parameters to append to the redirect URI. */
export type ApproveHandler = (pending: PendingConsent, username: string, granted: string[]) => Array<[string, string]>;

/**
 * Handles `POST <prefix>/sandbox/consent`: single use of the pending request, Approve/Deny,
 * granted scope = checked boxes that were requested. With `requireScope`, approving nothing is a denial.
 */
export async function handleConsentDecision(
  args: RouteArgs,
  service: ServiceId,
  requireScope: boolean,
  onApprove: ApproveHandler,
  descriptions: Readonly<Record<string, string>> = {},
): Promise<void> {
  const { ctx, req, res, info } = args;
  info.endpoint = "consent";
  const fail = (message: string): void => sendHtml(res, 400, renderErrorPage(service, message));
  let form: URLSearchParams;
  let requestId: string | undefined;
  let decision: string | undefined;
  let username: string;
  try {
    form = await readForm(req);
    requestId = single(form, "request_id");
    decision = single(form, "decision");
    username = (single(form, "username") ?? "").trim();
  } catch (err) {
    if (err instanceof OAuthError) {
      fail(err.description);
      return;
    }
    throw err;
  }
  const pending = requestId !== undefined ? ctx.state.consents.get(requestId) : undefined;
  if (!pending || pending.service !== service || pending.expiresAt <= Date.now()) {
    if (pending) ctx.state.consents.delete(pending.id);
    fail("This authorization request has expired or was already used. Start again from the application.");
    return;
  }
  if (decision !== "approve" && decision !== "deny") {
    fail("Choose Approve or Deny.");
    return;
  }
  const validUsername = USERNAME_PATTERN.test(username);
  if (validUsername) info.account = username;
  if (decision === "approve" && !validUsername) {
    sendHtml(res, 400, consentHtml(pending, descriptions, "Username must be 1–64 letters, digits or . _ @ + -", username));
    return;
  }
  ctx.state.consents.delete(pending.id);
  const stateParams: Array<[string, string]> = pending.state !== undefined ? [["state", pending.state]] : [];
  const checked = new Set(form.getAll("scope"));
  const granted = pending.scope.filter((s) => checked.has(s));
  if (decision === "deny" || (requireScope && granted.length === 0)) {
    redirect(res, appendQuery(pending.redirectUri, [["error", "access_denied"], ...stateParams]));
    return;
  }
  redirect(res, appendQuery(pending.redirectUri, [...onApprove(pending, username, granted), ...stateParams]));
}

/** Issues a single-use authorization code for an approved consent (bound to its PKCE challenge, if any). */
export function issueCode(args: RouteArgs, spec: CodeFlowSpec, pending: PendingConsent, account: string, scope: string[]): string {
  const value = newToken(spec.tag, "code");
  args.ctx.state.codes.set(value, {
    value,
    service: spec.service,
    clientId: pending.clientId,
    redirectUri: pending.redirectUri,
    scope,
    account,
    expiresAt: Date.now() + args.ctx.config.codeTtlMs,
    used: false,
    ...(pending.codeChallenge !== undefined ? { codeChallenge: pending.codeChallenge } : {}),
  });
  return value;
}

import "server-only";
import NextAuth from "next-auth";
import { cookies } from "next/headers";
import type { NextRequest } from "next/server";
import { can } from "@/lib/authz";
import { consumeLinkFlow, recordLinkFlow } from "@/lib/linking/flows";
import type { LinkFailureCode } from "@/lib/linking/failures";
import { env } from "@/lib/env";
import { findAuthorizationCodeIntegration } from "@/lib/integrations/registry";
import type { AuthorizationCodeIntegration } from "@/lib/integrations/types";
import { safeReturnPath } from "@/lib/redirects";
import type { LinkContext } from "@/lib/linking/oauth-code/context";
import { linkFailure, redirectTo } from "@/lib/linking/responses";
import { buildAuthOptions, getAuthOptions } from "@/lib/auth/options";
import { getCurrentUser, ROLE_HOME } from "@/lib/auth/session";
import type { SessionUser } from "@/lib/auth/users";
import { failed } from "@/lib/result";

export type RouteContext = { params: Promise<{ nextauth: string[] }> };

/** next-auth's per-flow check cookies (state, PKCE verifier), under both of its naming schemes. */
const CHECK_COOKIES = ["next-auth.state", "next-auth.pkce.code_verifier"].flatMap((name) => [name, `__Secure-${name}`]);

/**
 * Our policy around next-auth's OAuth routes for the link providers (TrainerDay, enduco). Returns null for
 * any other next-auth route. Only a signed-in athlete may start or finish a link.
 * - `POST signin/<service>`: next-auth builds the authorization request and its state (and PKCE) cookies; we
 *   record the state server-side with the service, the user, the return path and those cookies' values (see
 *   recordLinkFlow).
 * - `GET callback/<service>`: the state must be one we issued, for this service and this user, unused and
 *   unexpired (consumed now, whatever follows); a service `error` (e.g. access_denied) or a missing `code`
 *   ends here; otherwise next-auth is handed this flow's own check cookies (a second flow started in another
 *   tab has overwritten the browser's: next-auth keeps one cookie per name), checks them, and our provider
 *   exchanges the code and stores the connection. Every failure writes a `link_failed` event and lands on /connections with an error code.
 */
export async function handleLinkRoute(req: NextRequest, ctx: RouteContext, segments: string[]): Promise<Response | null> {
  const [action, providerId] = segments;
  if ((action !== "signin" && action !== "callback") || !providerId) return null;
  const integration = findAuthorizationCodeIntegration(providerId);
  if (!integration) return null;

  const user = await getCurrentUser();
  if (!user) return redirectTo("/login");
  if (!can(user, "connections.manage_own")) return redirectTo(ROLE_HOME[user.role]);
  if (!integration.credentials) return await failure(user, integration, "not_configured", "no client credentials");

  return action === "signin" ? startLink(req, ctx, user, integration) : finishLink(req, ctx, user, integration);
}

async function startLink(req: NextRequest, ctx: RouteContext, user: SessionUser, integration: AuthorizationCodeIntegration) {
  if (req.method !== "POST") return redirectTo("/connections");
  const form = await req
    .clone()
    .formData()
    .catch(() => null);
  const callbackUrl = form?.get("callbackUrl");
  const returnTo = safeReturnPath(typeof callbackUrl === "string" ? callbackUrl : null, env.NEXTAUTH_URL);

  const response = await NextAuth(req, ctx, getAuthOptions());
  const location =
    response.headers.get("location") ??
    (
      (await response
        .clone()
        .json()
        .catch(() => null)) as { url?: string } | null
    )?.url ??
    null;
  const authorizationRequest = location?.startsWith(integration.authorizationUrl) ? new URL(location) : null;
  const state = authorizationRequest?.searchParams.get("state");
  if (!state) return response; // next-auth refused (e.g. CSRF token mismatch) and says so itself
  const checkCookies: Record<string, string> = {};
  for (const header of response.headers.getSetCookie()) {
    const [pair = ""] = header.split(";");
    const at = pair.indexOf("=");
    const name = pair.slice(0, at).trim();
    if (at > 0 && CHECK_COOKIES.includes(name)) checkCookies[name] = pair.slice(at + 1).trim();
  }
  await recordLinkFlow({ state, service: integration.id, userId: user.id, returnTo, checkCookies });
  return response;
}

async function finishLink(req: NextRequest, ctx: RouteContext, user: SessionUser, integration: AuthorizationCodeIntegration) {
  const query = req.nextUrl.searchParams;
  const flow = await consumeLinkFlow({ state: query.get("state"), service: integration.id, userId: user.id });
  if (failed(flow)) return await failure(user, integration, "state_invalid", `state ${flow.error}`);
  const serviceError = query.get("error");
  if (serviceError) {
    const code = serviceError.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 60);
    return await failure(user, integration, serviceError === "access_denied" ? "access_denied" : "service_error", `service answered error=${code}`);
  }
  if (!query.get("code")) return await failure(user, integration, "missing_code", "callback carried no authorization code");

  // next-auth reads its cookies through next/headers: this flow's state and PKCE cookies replace whatever a
  // later flow in another tab left in the browser. The user binding is the flow record's (consumed above).
  const jar = await cookies();
  for (const [name, value] of Object.entries(flow.checkCookies)) jar.set(name, value);
  const link: LinkContext = { userId: user.id, returnTo: flow.returnTo };
  const response = await NextAuth(req, ctx, buildAuthOptions(link));
  for (const name of Object.keys(flow.checkCookies)) jar.delete(name);
  if (link.linked) return response;
  const refusal = await failure(user, integration, link.failure?.code ?? "link_failed", link.failure?.detail ?? "next-auth refused the callback");
  for (const cookie of response.headers.getSetCookie()) refusal.headers.append("set-cookie", cookie);
  return refusal;
}

async function failure(user: SessionUser, integration: AuthorizationCodeIntegration, code: LinkFailureCode, detail: string) {
  const response = await linkFailure(user, integration.id, code, detail);
  for (const name of CHECK_COOKIES) response.cookies.delete(name);
  return response;
}

import "server-only";
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { can } from "@/lib/authz";
import { consumeLinkFlow, recordLinkFlow } from "@/lib/connections/flows";
import type { LinkFailureCode } from "@/lib/connections/messages";
import { env } from "@/lib/env";
import { findAuthorizationCodeIntegration } from "@/lib/integrations";
import type { AuthorizationCodeIntegration } from "@/lib/integrations/types";
import { safeReturnPath } from "@/lib/redirects";
import type { LinkContext } from "./link-context";
import { linkFailure, redirectTo } from "./link-responses";
import { buildAuthOptions, getAuthOptions } from "./options";
import { getCurrentUser, ROLE_HOME } from "./session";
import type { SessionUser } from "./users";

export type RouteContext = { params: Promise<{ nextauth: string[] }> };

const STATE_COOKIES = ["next-auth.state", "__Secure-next-auth.state"];

/**
 * Our policy around next-auth's OAuth routes for the link providers (TrainerDay, enduco). Returns null for
 * any other next-auth route. Only a signed-in athlete may start or finish a link.
 * - `POST signin/<service>`: next-auth builds the authorization request and its state cookie; we record the
 *   state server-side with the service, the user and the return path (see recordLinkFlow).
 * - `GET callback/<service>`: the state must be one we issued, for this service and this user, unused and
 *   unexpired (consumed now, whatever follows); a service `error` (e.g. access_denied) or a missing `code`
 *   ends here; otherwise next-auth checks the state cookie and our provider exchanges the code and stores the
 *   connection. Every failure writes a `link_failed` event and lands on /connections with an error code.
 */
export async function handleLinkRoute(req: NextRequest, ctx: RouteContext, segments: string[]): Promise<Response | null> {
  const [action, providerId] = segments;
  if ((action !== "signin" && action !== "callback") || !providerId) return null;
  const integration = findAuthorizationCodeIntegration(providerId);
  if (!integration) return null;

  const user = await getCurrentUser();
  if (!user) return redirectTo("/login");
  if (!can(user, "connections.manage_own")) return redirectTo(ROLE_HOME[user.role]);
  if (!integration.credentials) return failure(user, integration, "not_configured", "no client credentials");

  return action === "signin" ? startLink(req, ctx, user, integration) : finishLink(req, ctx, user, integration);
}

async function startLink(req: NextRequest, ctx: RouteContext, user: SessionUser, integration: AuthorizationCodeIntegration) {
  if (req.method !== "POST") return redirectTo("/connections");
  const form = await req.clone().formData().catch(() => null);
  const callbackUrl = form?.get("callbackUrl");
  const returnTo = safeReturnPath(typeof callbackUrl === "string" ? callbackUrl : null, env.NEXTAUTH_URL);

  const response = await NextAuth(req, ctx, getAuthOptions());
  const location =
    response.headers.get("location") ??
    ((await response.clone().json().catch(() => null)) as { url?: string } | null)?.url ??
    null;
  const authorizationRequest = location?.startsWith(integration.authorizationUrl) ? new URL(location) : null;
  const state = authorizationRequest?.searchParams.get("state");
  if (!state) return response; // next-auth refused (e.g. CSRF token mismatch) and says so itself
  await recordLinkFlow({ state, service: integration.id, userId: user.id, returnTo });
  return response;
}

async function finishLink(req: NextRequest, ctx: RouteContext, user: SessionUser, integration: AuthorizationCodeIntegration) {
  const query = req.nextUrl.searchParams;
  const flow = await consumeLinkFlow({ state: query.get("state"), service: integration.id, userId: user.id });
  if (!flow.ok) return failure(user, integration, "state_invalid", `state ${flow.reason}`);
  const serviceError = query.get("error");
  if (serviceError) {
    const code = serviceError.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 60);
    return failure(user, integration, serviceError === "access_denied" ? "access_denied" : "service_error", `service answered error=${code}`);
  }
  if (!query.get("code")) return failure(user, integration, "missing_code", "callback carried no authorization code");

  const link: LinkContext = { userId: user.id, returnTo: flow.returnTo };
  const response = await NextAuth(req, ctx, buildAuthOptions(link));
  if (link.linked) return response;
  const failed = failure(user, integration, link.failure?.code ?? "link_failed", link.failure?.detail ?? "next-auth refused the callback");
  for (const cookie of response.headers.getSetCookie()) failed.headers.append("set-cookie", cookie);
  return failed;
}

function failure(user: SessionUser, integration: AuthorizationCodeIntegration, code: LinkFailureCode, detail: string) {
  const response = linkFailure(user, integration.id, code, detail);
  for (const name of STATE_COOKIES) response.cookies.delete(name);
  return response;
}

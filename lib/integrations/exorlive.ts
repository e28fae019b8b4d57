import { z } from "zod";
import { env } from "@/lib/env";
import { clientCredentials, environmentOf, trimBaseUrl } from "./config";
import { postForm, request, ServiceError } from "./http";
import { nowSeconds, parseTokenResponse } from "./tokens";
import type { ScopeInfo, ServerToServerIntegration } from "./types";

const SCOPES: ScopeInfo[] = [
  { id: "read_profile", description: "See your ExorLive profile" },
  { id: "read_workout", description: "See your ExorLive workouts" },
  { id: "read_master", description: "See ExorLive master data (exercises and templates)" },
  { id: "read_calendar", description: "See your ExorLive calendar" },
  { id: "read_contact", description: "See your ExorLive contact details" },
  { id: "create_session", description: "Open ExorLive sessions on your behalf" },
  { id: "configure", description: "Change ExorLive settings for the integration" },
];

/**
 * ExorLive (provider-docs/exorlive.txt): server to server. Our server GETs
 * `/Providers/OAuth/Authorize.aspx` with the athlete's ExorLive `user_id` and the client secret, reads
 * `{code}`, then POSTs `/Providers/OAuth/Token.ashx`. `redirect_uri` is the fixed RequesterUrl and is never
 * redirected to. `expires_in` arrives as a string and `token_type` lower-case. No revocation endpoint.
 * Because the secret can mint a token for any user id, linking is an admin action.
 */
export function exorlive(): ServerToServerIntegration {
  const baseUrl = trimBaseUrl(env.EXORLIVE_AUTH_URL);
  const name = "ExorLive";
  const requesterUrl = env.EXORLIVE_REQUESTER_URL;
  // The RequesterUrl is part of the credentials: ExorLive validates all three together.
  const credentials = requesterUrl ? clientCredentials(env.EXORLIVE_CLIENT_ID, env.EXORLIVE_CLIENT_SECRET) : null;
  const requestedScopes = ["read_profile", "read_workout", "read_calendar"];
  return {
    id: "exorlive",
    name,
    doc: "exorlive.txt",
    flow: "server_to_server",
    baseUrl,
    environment: environmentOf(baseUrl, { "auth.exorlive.com": "production" }),
    credentials,
    scopes: SCOPES,
    requestedScopes,
    revocation: "none",
    disconnectNote: "ExorLive documents no way to revoke access: ask ExorLive support to remove the link too.",
    async refresh(refreshToken) {
      if (!credentials || !requesterUrl) throw new ServiceError("invalid_client", `${name} is not configured`);
      const body = await postForm(name, `${baseUrl}/Providers/OAuth/Token.ashx`, {
        grant_type: "refresh_token",
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        refresh_token: refreshToken,
        redirect_uri: requesterUrl,
      });
      return parseTokenResponse(name, body, nowSeconds());
    },
    async linkUser(userId) {
      if (!credentials || !requesterUrl) throw new ServiceError("invalid_client", `${name} is not configured`);
      if (!/^\d{1,18}$/.test(userId)) throw new ServiceError("invalid_request", `${name} user ids are digits only`);
      const common = { client_id: credentials.clientId, client_secret: credentials.clientSecret, redirect_uri: requesterUrl };
      const authorizeUrl = new URL(`${baseUrl}/Providers/OAuth/Authorize.aspx`);
      for (const [key, value] of Object.entries({ user_id: userId, response_type: "code", ...common, scope: requestedScopes.join(" ") })) {
        authorizeUrl.searchParams.set(key, value);
      }
      const authorized = codeAnswer.safeParse(await request(name, authorizeUrl.toString(), { method: "GET", headers: { accept: "application/json" } }));
      if (!authorized.success) throw new ServiceError("malformed", `${name} answered the authorization request without a code`);
      const body = await postForm(name, `${baseUrl}/Providers/OAuth/Token.ashx`, {
        grant_type: "authorization_code",
        code: authorized.data.code,
        ...common,
      });
      return { tokens: parseTokenResponse(name, body, nowSeconds()), accountId: userId, note: `ExorLive user ${userId}` };
    },
  };
}

const codeAnswer = z.object({ code: z.string().min(1).max(4096) });

import { z } from "zod";
import { env } from "@/lib/env";
import { clientCredentials, fromDefinition, trimBaseUrl } from "@/lib/integrations/config";
import { EXORLIVE } from "@/lib/integrations/exorlive/definition";
import { postForm, request, ServiceError } from "@/lib/integrations/http";
import { nowSeconds, parseTokenResponse } from "@/lib/integrations/tokens";
import type { ServerToServerIntegration } from "@/lib/integrations/types";

/**
 * ExorLive (docs/provider-docs/exorlive.txt): server to server. Our server GETs
 * `/Providers/OAuth/Authorize.aspx` with the athlete's ExorLive `user_id` and the client secret, reads
 * `{code}`, then POSTs `/Providers/OAuth/Token.ashx`. `redirect_uri` is the fixed RequesterUrl and is never
 * redirected to. `expires_in` arrives as a string and `token_type` lower-case. No revocation endpoint.
 * Because the secret can mint a token for any user id, linking is an admin action.
 */
export function exorlive(): ServerToServerIntegration {
  const baseUrl = trimBaseUrl(env.EXORLIVE_AUTH_URL);
  const { id: service, name, paths, requestedScopes } = EXORLIVE;
  const requesterUrl = env.EXORLIVE_REQUESTER_URL;
  // The RequesterUrl is part of the credentials: ExorLive validates all three together.
  const credentials = requesterUrl ? clientCredentials(env.EXORLIVE_CLIENT_ID, env.EXORLIVE_CLIENT_SECRET) : null;
  return {
    ...fromDefinition(EXORLIVE, baseUrl),
    credentials,
    async refresh(refreshToken) {
      if (!credentials || !requesterUrl) throw new ServiceError("invalid_client", `${name} is not configured`);
      const body = await postForm({ service, name, endpoint: "refresh" }, `${baseUrl}${paths.token}`, {
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
      const authorizeUrl = new URL(`${baseUrl}${paths.authorize}`);
      for (const [key, value] of Object.entries({ user_id: userId, response_type: "code", ...common, scope: requestedScopes.join(" ") })) {
        authorizeUrl.searchParams.set(key, value);
      }
      const authorized = codeAnswer.safeParse(
        await request({ service, name, endpoint: "authorize" }, authorizeUrl.toString(), { method: "GET", headers: { accept: "application/json" } }),
      );
      if (!authorized.success) throw new ServiceError("malformed", `${name} answered the authorization request without a code`);
      const body = await postForm({ service, name, endpoint: "token" }, `${baseUrl}${paths.token}`, {
        grant_type: "authorization_code",
        code: authorized.data.code,
        ...common,
      });
      return { tokens: parseTokenResponse(name, body, nowSeconds()), accountId: userId, note: `ExorLive user ${userId}` };
    },
  };
}

const codeAnswer = z.object({ code: z.string().min(1).max(4096) });

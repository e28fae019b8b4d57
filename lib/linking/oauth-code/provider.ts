import "server-only";
import { timingSafeEqual } from "node:crypto";
import type { Profile } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getLearnedSettings } from "@/lib/linking/store";
import type { LinkFailureCode } from "@/lib/linking/failures";
import { ServiceError } from "@/lib/integrations/http";
import type { AuthorizationCodeIntegration } from "@/lib/integrations/types";
import type { LinkContext } from "@/lib/linking/oauth-code/context";

/** Maps a failed token exchange to the failure code the connections page explains. */
export function exchangeFailureCode(error: unknown): LinkFailureCode {
  if (!(error instanceof ServiceError)) return "link_failed";
  if (error.transient) return "exchange_failed";
  if (error.kind === "invalid_grant") return "code_rejected";
  if (error.kind === "invalid_client") return "client_rejected";
  if (error.kind === "malformed") return "bad_response";
  return "service_error";
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A next-auth v4 OAuth provider that links `integration` to the signed-in athlete (never signs anyone in).
 * The authorization request carries `state` (next-auth's state cookie, bound to this browser and provider);
 * the custom `token.request` compares the callback's `state` with the cookie's itself, because a custom
 * request bypasses openid-client's check, then exchanges the code through the integration module at once.
 * The tokens stay in `link` (see LinkContext); next-auth only receives a placeholder token set.
 * Without `link` (no athlete signed in, or not a callback request) the exchange is refused.
 */
export function linkProvider(integration: AuthorizationCodeIntegration, link: LinkContext | undefined): OAuthConfig<Profile> {
  const credentials = integration.credentials;
  return {
    id: integration.id,
    name: integration.name,
    type: "oauth",
    clientId: credentials?.clientId,
    clientSecret: credentials?.clientSecret,
    // PKCE where the service accepts it: next-auth keeps the verifier in an encrypted cookie of this browser.
    checks: integration.pkce ? ["pkce", "state"] : ["state"],
    authorization: {
      url: integration.authorizationUrl,
      params: { response_type: "code", scope: integration.requestedScopes.join(" ") },
    },
    token: {
      url: `${integration.baseUrl}/token-exchange-is-custom`,
      async request({ params, checks, provider }) {
        const fail = (code: LinkFailureCode, detail: string): never => {
          if (link) link.failure = { code, detail };
          throw new Error(detail);
        };
        if (!link) return fail("link_failed", "no signed-in athlete for this link");
        if (!params.state || !checks.state || !sameString(params.state, checks.state)) {
          return fail("state_invalid", "state does not match the state cookie");
        }
        if (!params.code) return fail("missing_code", "callback carried no authorization code");
        if (integration.pkce && !checks.code_verifier) return fail("state_invalid", "PKCE code_verifier cookie missing");
        try {
          link.exchange = await integration.exchangeCode(
            params.code,
            provider.callbackUrl,
            await getLearnedSettings(integration.id),
            checks.code_verifier,
          );
        } catch (error) {
          return fail(exchangeFailureCode(error), error instanceof Error ? error.message : "token exchange failed");
        }
        return { tokens: { token_type: "bearer" } };
      },
    },
    userinfo: {
      url: `${integration.baseUrl}/userinfo-is-not-documented`,
      async request() {
        return { sub: link?.exchange?.accountId ?? "unknown" };
      },
    },
    // next-auth needs a user-shaped profile; it is never used as a session user (signIn redirects first).
    profile(profile) {
      return { id: profile.sub ?? "unknown", role: "athlete" };
    },
  };
}

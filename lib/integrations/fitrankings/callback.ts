import "server-only";
import type { NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { can } from "@/lib/authz";
import { POPUP_COMPLETE_PATH } from "@/lib/integrations/fitrankings/start-link";
import { consumeLinkFlow } from "@/lib/linking/flows";
import { LinkError, storeLinkedConnection } from "@/lib/linking/store";
import { getIntegration, isTokenInCallback, parseServiceId } from "@/lib/integrations/registry";
import { ServiceError } from "@/lib/integrations/http";
import { linkFailure, redirectTo } from "@/lib/linking/responses";
import { getCurrentUser, ROLE_HOME } from "@/lib/auth/session";
import { failed } from "@/lib/result";

const callbackQuery = z.object({
  token: z.string().regex(/^[\x21-\x7e]{1,4096}$/),
  user_id: z.string().regex(/^\d{1,20}$/),
});

/** Headers for a response to a URL that carried a token (docs/SECURITY.md row 5; RFC 9700 §4.2.4, §4.3.2). */
function harden(response: NextResponse): NextResponse {
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Referrer-Policy", "no-referrer");
  return response;
}

/**
 * The callback of a token-in-callback service (FitRankings: `…/callback/<state>?token=…&user_id=…`; `state` is
 * the path segment, null when the request came without one). Checks, before storing anything, that an
 * athlete is signed in and that `state` is theirs, for this service, unused and unexpired (consumed now).
 * Then the callback must prove itself (docs/SECURITY.md row 20): the token is sent back to the service in an
 * authenticated request (`identifyUser`), and only when the service accepts it and names the same user as
 * the callback's `user_id` is the connection stored. A callback without a token (the owner refused), with a
 * malformed one, or one the service does not confirm stores nothing. Every answer is a 303 to a clean URL of
 * ours with `Cache-Control: no-store` and `Referrer-Policy: no-referrer`, so the token leaves the address bar
 * and history at once.
 */
export async function handleTokenCallback(req: NextRequest, serviceId: string, state: string | null): Promise<NextResponse> {
  const id = parseServiceId(serviceId);
  const integration = id ? getIntegration(id) : null;
  if (!integration || !isTokenInCallback(integration)) return harden(redirectTo("/connections"));
  const user = await getCurrentUser();
  if (!user) return harden(redirectTo("/login?notice=link_signed_out"));
  if (!can(user, "connections.manage_own")) return harden(redirectTo(ROLE_HOME[user.role]));

  const query = req.nextUrl.searchParams;
  const flow = await consumeLinkFlow({ state, service: integration.id, userId: user.id });
  if (failed(flow)) return harden(await linkFailure(user, integration.id, "state_invalid", `state ${flow.error}`));
  const base = flow.returnTo.split("?")[0] === POPUP_COMPLETE_PATH ? POPUP_COMPLETE_PATH : "/connections";
  if (!query.get("token")) {
    const code = query.get("error") && query.get("error") !== "access_denied" ? "service_error" : "access_denied";
    return harden(await linkFailure(user, integration.id, code, "callback carried no token", base));
  }
  const parsed = callbackQuery.safeParse({ token: query.get("token"), user_id: query.get("user_id") });
  if (!parsed.success) return harden(await linkFailure(user, integration.id, "bad_response", "token or user_id malformed", base));
  let verifiedUserId: string;
  try {
    verifiedUserId = await integration.identifyUser(parsed.data.token);
  } catch (error) {
    const transient = error instanceof ServiceError && error.transient;
    const detail = error instanceof ServiceError ? error.message : "the token could not be verified";
    return harden(await linkFailure(user, integration.id, transient ? "exchange_failed" : "token_unverified", detail, base));
  }
  if (verifiedUserId !== parsed.data.user_id) {
    return harden(
      await linkFailure(
        user,
        integration.id,
        "token_unverified",
        `the callback claimed user ${parsed.data.user_id}, ${integration.name} says the token is user ${verifiedUserId}'s`,
        base,
      ),
    );
  }
  try {
    await storeLinkedConnection({
      athleteId: user.id,
      actorId: user.id,
      integration,
      tokens: { accessToken: parsed.data.token, refreshToken: null, expiresAt: null, tokenType: "Bearer", grantedScope: [] },
      accountId: verifiedUserId,
      note: `${integration.name} user ${verifiedUserId}, confirmed by ${integration.name}`,
    });
  } catch (error) {
    return harden(await linkFailure(user, integration.id, error instanceof LinkError ? error.code : "link_failed", "could not store", base));
  }
  return harden(redirectTo(`${base}?linked=${integration.id}`));
}

import { NextResponse, type NextRequest } from "next/server";
import { appUrl } from "@/lib/mail/render";
import {
  applyUnsubscribe,
  findUnsubscribeLink,
  INVALID_UNSUBSCRIBE_LINK,
  isOneClickBody,
  MAX_ONE_CLICK_BODY_BYTES,
  MAX_UNSUBSCRIBE_TOKEN_LENGTH,
} from "@/lib/mail/unsubscribe";
import { errorFields, log, withRequestContext } from "@/lib/log";
import { readCappedText, routeError, SERVER_ERROR_SENTENCE } from "@/lib/route";

/**
 * POST /api/unsubscribe?token=…: RFC 8058 one-click unsubscribe, the target of a mail's List-Unsubscribe header.
 * Mail providers send it server to server, without cookies or Origin, so the signed single-purpose token is the
 * whole authorization (no session, no withPermission). The token is checked before the body is read (docs/SECURITY.md
 * row 21): a bad one, or one whose user is gone, is 400 and nothing is read or written. Then the body, at most
 * MAX_ONE_CLICK_BODY_BYTES (413 beyond), must be `List-Unsubscribe=One-Click` (400 otherwise); the kind is turned
 * off and the answer is 200 `{ "ok": true }`. Errors are `{ "error": sentence }` with no-store, as routeError's.
 */
export const POST = withRequestContext(async (request: NextRequest): Promise<Response> => {
  try {
    const link = await findUnsubscribeLink(request.nextUrl.searchParams.get("token"));
    if (!link) {
      log.warn({ component: "unsubscribe" }, "one-click unsubscribe with a link that is not valid refused");
      return routeError(400, INVALID_UNSUBSCRIBE_LINK);
    }
    const body = await readCappedText(request, MAX_ONE_CLICK_BODY_BYTES);
    if (body === null) return routeError(413, "The request body is too large for a one-click unsubscribe.");
    if (!(await isOneClickBody(request.headers.get("content-type"), body)))
      return routeError(400, "A one-click unsubscribe sends the form field List-Unsubscribe=One-Click.");
    await applyUnsubscribe(link);
    return NextResponse.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    log.error({ method: "POST", path: "/api/unsubscribe", ...errorFields(error) }, "route failed");
    return routeError(500, SERVER_ERROR_SENTENCE);
  }
});

/**
 * GET /api/unsubscribe?token=…: changes nothing (docs/SECURITY.md row 11). A mail client that opens the
 * List-Unsubscribe URL in a browser instead of POSTing to it is sent (303) to the unsubscribe page, which asks first.
 */
export function GET(request: NextRequest): Response {
  const token = request.nextUrl.searchParams.get("token");
  const query = token && token.length <= MAX_UNSUBSCRIBE_TOKEN_LENGTH ? `?${new URLSearchParams({ token })}` : "";
  const response = NextResponse.redirect(appUrl(`/unsubscribe${query}`), 303);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

import "server-only";
import { NextResponse } from "next/server";
import type { ServiceId } from "@/db/schema";
import { recordEvent } from "@/lib/connections/events";
import type { LinkFailureCode } from "@/lib/linking/failures";
import { env } from "@/lib/env";
import type { SessionUser } from "@/lib/auth/users";

/** A 303 to one of our own paths (a GET after the callback, whatever the callback's method). */
export function redirectTo(path: string): NextResponse {
  return NextResponse.redirect(new URL(path, env.NEXTAUTH_URL), 303);
}

/**
 * Ends a failed link: writes a `link_failed` event (actor and athlete: `user`) and redirects to `basePath`
 * (the connections page, or the popup's completion page) with the failure code, where it is explained.
 */
export async function linkFailure(
  user: SessionUser,
  service: ServiceId,
  code: LinkFailureCode,
  detail: string,
  basePath = "/connections",
): Promise<NextResponse> {
  await recordEvent({ actorId: user.id, athleteId: user.id, service, kind: "link_failed", detail: `${code}: ${detail}` });
  return redirectTo(`${basePath}?error=${code}&service=${service}`);
}

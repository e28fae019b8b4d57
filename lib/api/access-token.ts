import "server-only";
import type { ApiCaller } from "@/lib/api/handler";
import { ApiProblem, problemType } from "@/lib/api/problem";
import type { AccessTokenBody } from "@/lib/api/schemas";
import { recordEvent } from "@/lib/connections/events";
import { readConnection } from "@/lib/connections/lease";
import { ConnectionUnavailableError, getFreshAccessTokenWithExpiry, RefreshFailedError } from "@/lib/connections/refresh";
import { connectionStatus, type ConnectionStatus } from "@/lib/connections/status";
import { env } from "@/lib/env";
import { getIntegration, isServerToServer } from "@/lib/integrations/registry";
import type { Integration } from "@/lib/integrations/types";

/** How an API key is named in the audit trail: `API key "<name>" (<prefix>)`; never the key itself. */
export function describeCaller(caller: Pick<ApiCaller, "name" | "prefix">): string {
  return `API key "${caller.name}" (${caller.prefix})`;
}

/** Seconds to wait before asking again after a transient refresh failure when the row names no next attempt. */
const DEFAULT_RETRY_SECONDS = 30;

/**
 * A fresh access token of connection `connectionId` for `caller` (POST /api/v1/connections/{id}/access-token):
 * getFreshAccessTokenWithExpiry (refreshed first when it expires within REFRESH_MARGIN_SECONDS), answered with
 * the expiry stored with that very token (`expires_in` in seconds from `nowMs`), and an `access_token_issued`
 * connection event (actor null, detail naming the key). The token is never logged.
 *
 * Throws ApiProblem: 404 for an unknown id; 409 (`connection-needs-reconnect` or `connection-not-connected`,
 * extension `connection_status`, `detail` saying what the athlete must do) when the connection cannot give a
 * token; 503 with `Retry-After` (seconds) when the service failed transiently (tokens kept, retried).
 */
export async function issueAccessToken(connectionId: string, caller: Pick<ApiCaller, "name" | "prefix">): Promise<AccessTokenBody> {
  let issued;
  try {
    issued = await getFreshAccessTokenWithExpiry(connectionId);
  } catch (error) {
    if (error instanceof ConnectionUnavailableError || (error instanceof RefreshFailedError && error.reauth))
      throw await conflict(connectionId, error);
    if (error instanceof RefreshFailedError) throw await unavailable(connectionId, error);
    throw error;
  }
  if (!issued) throw new ApiProblem(404, { title: "Not Found", detail: `There is no connection with the id ${connectionId}.` });
  await recordEvent({
    actorId: null,
    athleteId: issued.connection.userId,
    service: issued.connection.provider,
    kind: "access_token_issued",
    detail: `issued to ${describeCaller(caller)}`,
  });
  const nowMs = Date.now();
  return {
    access_token: issued.accessToken,
    token_type: "Bearer",
    expires_at: issued.expiresAt === null ? null : new Date(issued.expiresAt * 1000).toISOString(),
    expires_in: issued.expiresAt === null ? null : Math.max(0, Math.floor(issued.expiresAt - nowMs / 1000)),
    scopes: (issued.scope ?? "").split(" ").filter(Boolean),
  };
}

/**
 * What must happen before a connection in `status` gives tokens again (a sentence the integrator can relay): the
 * athlete reconnects or links the service; for a server-to-server service (ExorLive) an admin links it for them.
 */
function nextStep(status: ConnectionStatus, integration: Integration): string {
  const service = integration.name;
  if (isServerToServer(integration))
    return `An administrator must link ${service} for this athlete again (Admin → Services); tokens can be issued once that is done.`;
  switch (status) {
    case "needs_reauth":
    case "revoked_by_service":
      return `The athlete must reconnect ${service} on TrainLink's Connections page; tokens can be issued again once they have.`;
    case "revocation_pending":
      return `${service} is being disconnected; the athlete must link ${service} again on TrainLink's Connections page once that has finished.`;
    default:
      return `The athlete must link ${service} on TrainLink's Connections page first.`;
  }
}

/** The 409 problem for a connection that cannot give a token, with its status read now. */
async function conflict(connectionId: string, error: Error): Promise<ApiProblem> {
  const row = await readConnection(connectionId);
  if (!row) return new ApiProblem(404, { title: "Not Found", detail: `There is no connection with the id ${connectionId}.` });
  const status = connectionStatus(row, true, Date.now(), env.REFRESH_MARGIN_SECONDS);
  const reconnect = status === "needs_reauth" || status === "revoked_by_service" || (error instanceof RefreshFailedError && error.reauth);
  return new ApiProblem(409, {
    type: problemType(reconnect ? "connection-needs-reconnect" : "connection-not-connected"),
    title: reconnect ? "The connection needs a reconnect" : "The connection is not connected",
    detail: `${error.message} ${nextStep(status, getIntegration(row.provider))}`,
    connection_status: status,
  });
}

/** The 503 problem after a transient refresh failure, with `Retry-After` from the connection's next attempt. */
async function unavailable(connectionId: string, error: RefreshFailedError): Promise<ApiProblem> {
  const row = await readConnection(connectionId);
  const next = row?.nextAttemptAt?.getTime();
  const seconds = next && next > Date.now() ? Math.ceil((next - Date.now()) / 1000) : DEFAULT_RETRY_SECONDS;
  return new ApiProblem(
    503,
    { type: problemType("refresh-failed"), title: "The service could not refresh the token", detail: `${error.message} Try again later.` },
    { "Retry-After": String(seconds) },
  );
}

import "server-only";
import { describeCaller } from "@/lib/api/access-token";
import type { ApiCaller } from "@/lib/api/handler";
import { ApiProblem, problemType } from "@/lib/api/problem";
import type { RevocationBody } from "@/lib/api/schemas";
import { revokeConnection } from "@/lib/admin/connections";

/** Seconds an API caller should wait before retrying a revocation that found the connection busy refreshing. */
const BUSY_RETRY_SECONDS = 60;

/**
 * Revokes connection `connectionId` for `caller` (DELETE /api/v1/connections/{id}) through revokeConnection, the
 * admin's path, with no actor id and the key named in the audit log. Resolves to the HTTP status and body:
 * 200 `revoked` (also when it had already ended: idempotent, nothing recorded), 202 `revocation_pending` (the
 * service was unreachable; retried automatically). Throws ApiProblem 404 for an unknown id, 503 with
 * `Retry-After` (seconds) when a refresh held the connection for too long.
 */
export async function revokeForApi(
  connectionId: string,
  caller: Pick<ApiCaller, "name" | "prefix">,
): Promise<{ status: 200 | 202; body: RevocationBody }> {
  const result = await revokeConnection({ connectionId, actorId: null, actorLabel: describeCaller(caller) });
  switch (result.kind) {
    case "not_found":
      throw new ApiProblem(404, { title: "Not Found", detail: `There is no connection with the id ${connectionId}.` });
    case "failed":
      throw new ApiProblem(
        503,
        { type: problemType("connection-busy"), title: "The connection is busy", detail: result.error },
        { "Retry-After": String(BUSY_RETRY_SECONDS) },
      );
    case "ended":
      return {
        status: 200,
        body: {
          id: connectionId,
          status: "revoked",
          detail: `This ${result.service} connection had already ended (${result.state.replaceAll("_", " ")}).`,
        },
      };
    case "pending":
      return { status: 202, body: { id: connectionId, status: "revocation_pending", detail: result.message } };
    case "revoked":
      return { status: 200, body: { id: connectionId, status: "revoked", detail: result.message } };
  }
}

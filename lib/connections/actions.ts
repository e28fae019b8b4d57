"use server";

import { formatDistanceStrict } from "date-fns";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { SERVICE_IDS } from "@/db/schema";
import { authedAction } from "@/lib/actions";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { findConnection } from "@/lib/connections/queries";
import { ConnectionUnavailableError, RefreshFailedError, refreshOnRequest, RefreshThrottledError } from "@/lib/connections/refresh";
import { getIntegration } from "@/lib/integrations/registry";
import { refreshFailureMessage } from "@/lib/messages/connections";
import { failed } from "@/lib/result";

/** Disconnects one of the signed-in athlete's own connections (revoking at the service first). */
export const disconnectAction = authedAction(
  "connections.manage_own",
  z.object({ service: z.enum(SERVICE_IDS, { error: "Unknown service. Reload the page and try again." }) }),
  async ({ service }, user) => {
    const result = await disconnectConnection({ athleteId: user.id, actorId: user.id, service });
    revalidatePath("/connections");
    if (failed(result)) return { error: result.error };
    const name = getIntegration(service).name;
    if (result.pending) {
      return {
        ok: `${name} could not be reached to revoke access. TrainLink keeps asking ${name}; the stored tokens are deleted as soon as it confirms.`,
      };
    }
    return {
      ok: result.revoked ? `${name} was disconnected and its access revoked.` : `${name} was disconnected.`,
      note: result.note,
    };
  },
);

/** Refreshes one of the signed-in athlete's connections now; says the new expiry, or why not in plain words (lib/messages). */
export const refreshAction = authedAction(
  "connections.manage_own",
  z.object({ service: z.enum(SERVICE_IDS, { error: "Unknown service. Reload the page and try again." }) }),
  async ({ service }, user) => {
    const name = getIntegration(service).name;
    const connection = await findConnection(user.id, service);
    if (!connection) return { error: `${name} is not connected.` };
    try {
      await refreshOnRequest(connection.id, user.id);
    } catch (error) {
      // The service's own error stays in the history; the athlete reads the catalogue's sentence (the card explains the rest).
      if (error instanceof RefreshFailedError) return { error: refreshFailureMessage(error.kind, name) };
      if (error instanceof ConnectionUnavailableError) return { error: `${name} is not connected right now. Reload the page to see why.` };
      if (error instanceof RefreshThrottledError) return { error: error.message };
      throw error;
    } finally {
      revalidatePath("/connections");
    }
    const refreshed = await findConnection(user.id, service);
    const expiresAt = refreshed?.expiresAt;
    return {
      ok: expiresAt
        ? `${name} refreshed: the new access token expires ${formatDistanceStrict(new Date(expiresAt * 1000), new Date(), { addSuffix: true })}.`
        : `${name} refreshed.`,
    };
  },
);

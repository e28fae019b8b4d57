"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { SERVICE_IDS } from "@/db/schema";
import { authedAction } from "@/lib/actions";
import { ForbiddenError } from "@/lib/authz";
import { getIntegration } from "@/lib/integrations/registry";
import type { Outcome } from "@/lib/result";
import { openReconnectRequest } from "./open-reconnect-request";
import { requestReconnect } from "./request-reconnect";

/**
 * "Ask to reconnect" (coach for an athlete on their roster, or admin): sends the request (requestReconnect) and
 * says what the athlete gets; a refusal ("Already requested on <date>", nothing to reconnect…) comes back as the
 * error sentence, never as an error page.
 */
export const requestReconnectAction = authedAction(
  "reconnect_requests.create",
  z.object({
    athleteId: z.string({ error: "Choose an athlete." }).min(1, "Choose an athlete.").max(100),
    service: z.enum(SERVICE_IDS, { error: "Unknown service. Reload the page and try again." }),
  }),
  async ({ athleteId, service }, actor): Promise<Outcome> => {
    let result;
    try {
      result = await requestReconnect({ athleteId, service, actor });
    } catch (error) {
      if (error instanceof ForbiddenError) return { error: error.message };
      throw error;
    }
    revalidatePath(`/coach/athletes/${athleteId}`);
    revalidatePath(`/admin/users/${athleteId}`);
    revalidatePath("/coach");
    if ("error" in result) return { error: result.error };
    const name = getIntegration(service).name;
    const how =
      result.mail === "queued"
        ? `The athlete gets an email with a link to their ${name} card.`
        : result.mail === "opted_out"
          ? "The athlete turned reconnect-request emails off: they see the request on their Connections page."
          : "Email is off on this server: the athlete sees the request on their Connections page.";
    return { ok: `Reconnect request for ${name} sent.`, note: `${how} You can follow it here; it closes by itself when ${name} works again.` };
  },
);

/**
 * Marks the athlete's own reconnect request `requestId` opened (openReconnectRequest), posted by the connections
 * page when it was opened from the request's mail (a POST: no GET changes anything, docs/SECURITY.md row 11).
 * Resolves to `{ ok }` whether or not it moved (an unknown, foreign or already opened id changes nothing).
 */
export const markReconnectRequestOpenedAction = authedAction(
  "connections.manage_own",
  z.object({ requestId: z.string().min(1).max(100) }),
  async ({ requestId }, viewer): Promise<Outcome> => {
    const moved = await openReconnectRequest({ requestId, viewer });
    if (moved) revalidatePath("/connections");
    return { ok: moved ? "opened" : "unchanged" };
  },
);

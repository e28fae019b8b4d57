"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { SERVICE_IDS } from "@/db/schema";
import { authedAction } from "@/lib/actions";
import { startCallbackLink } from "@/lib/connections/callback-link";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { getIntegration } from "@/lib/integrations";

/** Disconnects one of the signed-in athlete's own connections (revoking at the service first). */
export const disconnectAction = authedAction(
  "connections.manage_own",
  z.object({ service: z.enum(SERVICE_IDS, { error: "Unknown service. Reload the page and try again." }) }),
  async ({ service }, user) => {
    const result = await disconnectConnection({ athleteId: user.id, actorId: user.id, service });
    revalidatePath("/connections");
    if (!result.ok) return { error: result.error };
    const name = getIntegration(service).name;
    return {
      ok: result.revoked ? `${name} was disconnected and its access revoked.` : `${name} was disconnected.`,
      note: result.note,
    };
  },
);

/**
 * Starts linking a service whose callback carries the token (FitRankings): resolves to the URL to open in
 * the popup (`mode=popup`) or the whole page (`mode=page`).
 */
export const startCallbackLinkAction = authedAction(
  "connections.manage_own",
  z.object({
    service: z.literal("fitrankings", { error: "This service is not linked this way." }),
    mode: z.enum(["popup", "page"], { error: "Unknown link mode. Reload the page and try again." }),
  }),
  async ({ service, mode }, user): Promise<{ url: string } | { error: string }> => {
    const integration = getIntegration(service);
    if (!integration.credentials) return { error: `${integration.name} is not configured on this server.` };
    return { url: await startCallbackLink({ user, service, popup: mode === "popup" }) };
  },
);

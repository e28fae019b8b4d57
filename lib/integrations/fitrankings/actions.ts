"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { authedAction } from "@/lib/actions";
import { startCallbackLink } from "@/lib/integrations/fitrankings/start-link";
import { checkFitRankingsAccess, renewMasterToken } from "@/lib/integrations/fitrankings/master-token";
import { ServiceError } from "@/lib/integrations/http";
import { getIntegration } from "@/lib/integrations/registry";

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

/** Obtains a new FitRankings master token now (admins only); the old one is replaced. */
export const renewMasterTokenAction = authedAction("credentials.manage", z.object({}), async (_input, admin) => {
  try {
    await renewMasterToken();
  } catch (error) {
    return {
      error: `FitRankings did not issue a master token: ${error instanceof ServiceError ? error.message : "unexpected error"}. The stored one is kept.`,
    };
  } finally {
    revalidatePath("/admin", "layout");
  }
  await recordAdminAction({ actorId: admin.id, kind: "master_token_renewed", service: "fitrankings" });
  return { ok: "A new FitRankings master token was obtained and stored." };
});

/** Makes an application-level FitRankings call with the master token, renewing it if rejected (admins only). */
export const checkFitRankingsAction = authedAction("credentials.manage", z.object({}), async () => {
  try {
    const count = await checkFitRankingsAccess();
    return { ok: `FitRankings accepted the master token (${count} activities visible).` };
  } catch (error) {
    return { error: `FitRankings refused the application-level call: ${error instanceof ServiceError ? error.message : "unexpected error"}.` };
  } finally {
    revalidatePath("/admin", "layout");
  }
});

"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { SERVICE_IDS } from "@/db/schema";
import { authedAction } from "@/lib/actions";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { getIntegration } from "@/lib/integrations";

/** Disconnects one of the signed-in athlete's own connections (revoking at the service first). */
export const disconnectAction = authedAction(
  "connections.manage_own",
  z.object({ service: z.enum(SERVICE_IDS) }),
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

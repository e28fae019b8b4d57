import type { NextRequest } from "next/server";
import { handleTokenCallback } from "@/lib/integrations/fitrankings/callback";
import { withRequestContext } from "@/lib/log";

/** FitRankings' callback: our `state` is the last path segment (see callbackPath). */
export const GET = withRequestContext(async (req: NextRequest, ctx: { params: Promise<{ service: string; state: string }> }) => {
  const { service, state } = await ctx.params;
  return handleTokenCallback(req, service, state);
});

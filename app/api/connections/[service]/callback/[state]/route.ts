import type { NextRequest } from "next/server";
import { handleTokenCallback } from "@/lib/integrations/fitrankings/callback";

/** FitRankings' callback: our `state` is the last path segment (see callbackPath). */
export async function GET(req: NextRequest, ctx: { params: Promise<{ service: string; state: string }> }) {
  const { service, state } = await ctx.params;
  return handleTokenCallback(req, service, state);
}

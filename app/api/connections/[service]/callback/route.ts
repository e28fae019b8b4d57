import type { NextRequest } from "next/server";
import { handleTokenCallback } from "@/lib/integrations/fitrankings/callback";
import { withRequestContext } from "@/lib/log";

/** A callback without our state segment (hand-made, or mangled by the service): refused like any missing state. */
export const GET = withRequestContext(async (req: NextRequest, ctx: { params: Promise<{ service: string }> }) => {
  return handleTokenCallback(req, (await ctx.params).service, null);
});

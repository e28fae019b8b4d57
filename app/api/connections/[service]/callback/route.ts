import type { NextRequest } from "next/server";
import { handleTokenCallback } from "@/lib/integrations/fitrankings/callback";

/** A callback without our state segment (hand-made, or mangled by the service): refused like any missing state. */
export async function GET(req: NextRequest, ctx: { params: Promise<{ service: string }> }) {
  return handleTokenCallback(req, (await ctx.params).service, null);
}

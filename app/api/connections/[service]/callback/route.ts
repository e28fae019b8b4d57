import type { NextRequest } from "next/server";
import { handleTokenCallback } from "@/lib/auth/callback-link-route";

export async function GET(req: NextRequest, ctx: { params: Promise<{ service: string }> }) {
  return handleTokenCallback(req, (await ctx.params).service);
}

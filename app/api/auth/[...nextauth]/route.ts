import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { handleLinkRoute, type RouteContext } from "@/lib/linking/oauth-code/route";
import { getAuthOptions } from "@/lib/auth/options";

async function handler(req: NextRequest, ctx: RouteContext): Promise<Response> {
  const { nextauth } = await ctx.params;
  return (await handleLinkRoute(req, ctx, nextauth)) ?? NextAuth(req, ctx, getAuthOptions());
}

export { handler as GET, handler as POST };

import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { handleLinkRoute, type RouteContext } from "@/lib/linking/oauth-code/route";
import { getAuthOptions } from "@/lib/auth/options";
import { withRequestContext } from "@/lib/log";

async function handler(req: NextRequest, ctx: RouteContext): Promise<Response> {
  const { nextauth } = await ctx.params;
  return (await handleLinkRoute(req, ctx, nextauth)) ?? NextAuth(req, ctx, getAuthOptions());
}

const inContext = withRequestContext(handler);
export { inContext as GET, inContext as POST };

import { NextResponse, type NextRequest } from "next/server";
import { handleEnducoWebhook } from "@/lib/connections/webhooks";

export async function POST(req: NextRequest, ctx: { params: Promise<{ event: string; secret: string }> }) {
  const { event, secret } = await ctx.params;
  const { status, body } = await handleEnducoWebhook(event, secret, await req.text());
  return NextResponse.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

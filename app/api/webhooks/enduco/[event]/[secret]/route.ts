import { NextResponse, type NextRequest } from "next/server";
import { authenticateEnducoWebhook, handleEnducoWebhook, MAX_WEBHOOK_BODY_BYTES } from "@/lib/integrations/enduco/webhooks";
import { withRequestContext } from "@/lib/log";
import { readCappedText } from "@/lib/route";

const headers = { "Cache-Control": "no-store" };

/** POST /api/webhooks/enduco/<event>/<secret>: the secret first (404, nothing read or stored), then a capped body. */
export const POST = withRequestContext(async (req: NextRequest, ctx: { params: Promise<{ event: string; secret: string }> }) => {
  const { event, secret } = await ctx.params;
  const kind = authenticateEnducoWebhook(event, secret);
  if (!kind) return NextResponse.json({ error: "not_found" }, { status: 404, headers });
  const { status, body } = await handleEnducoWebhook(kind, await readCappedText(req, MAX_WEBHOOK_BODY_BYTES));
  return NextResponse.json(body, { status, headers });
});

import { NextResponse, type NextRequest } from "next/server";
import { authenticateEnducoWebhook, handleEnducoWebhook, MAX_WEBHOOK_BODY_BYTES } from "@/lib/integrations/enduco/webhooks";

const headers = { "Cache-Control": "no-store" };

/**
 * Reads at most `limit` bytes of the request body as UTF-8; null when it is longer (the rest is never read).
 * A declared Content-Length over the limit is refused without reading anything.
 */
async function readCapped(req: NextRequest, limit: number): Promise<string | null> {
  if (Number(req.headers.get("content-length") ?? 0) > limit) return null;
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** POST /api/webhooks/enduco/<event>/<secret>: the secret first (404, nothing read or stored), then a capped body. */
export async function POST(req: NextRequest, ctx: { params: Promise<{ event: string; secret: string }> }) {
  const { event, secret } = await ctx.params;
  const kind = authenticateEnducoWebhook(event, secret);
  if (!kind) return NextResponse.json({ error: "not_found" }, { status: 404, headers });
  const { status, body } = await handleEnducoWebhook(kind, await readCapped(req, MAX_WEBHOOK_BODY_BYTES));
  return NextResponse.json(body, { status, headers });
}

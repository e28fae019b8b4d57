/**
 * Reads at most `limit` bytes of `request`'s body as UTF-8; null when it is longer (the rest is never read). A
 * declared Content-Length over the limit is refused without reading anything. For anonymous endpoints, which
 * check their secret or token first and only then read a capped body (docs/SECURITY.md row 21).
 */
export async function readCappedText(request: Request, limit: number): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
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

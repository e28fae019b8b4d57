import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { SCALAR_BUNDLE_PATH } from "@/lib/api/docs";

/**
 * GET /api/v1/docs/scalar.js: Scalar's browser bundle (an open-source library, no data of ours, hence no sign-in),
 * streamed from node_modules. Its URL carries the version (`?v=`), so browsers keep it for a year.
 */
export function GET() {
  return new Response(Readable.toWeb(createReadStream(SCALAR_BUNDLE_PATH)) as ReadableStream<Uint8Array>, {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=31536000, immutable" },
  });
}

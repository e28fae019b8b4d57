import { NextResponse } from "next/server";
import { bulkFilterSchema } from "@/lib/admin/bulk-filter";
import { connectionsCsvStream, isSameOriginPost, recordConnectionsExport } from "@/lib/admin/bulk-export";
import { parseQuery } from "@/lib/query";
import { readCappedText, routeError, withPermission } from "@/lib/route";

export const dynamic = "force-dynamic";

/**
 * POST /admin/connections/export (form fields `service`, `status`, `athlete`: the list's filters): every matching
 * connection as CSV, streamed (admins: audit.read). A POST, not a GET, because it writes a `bulk_export` audit row
 * (docs/SECURITY.md row 11), and only from this app's own pages (isSameOriginPost: our Origin, or a null one the
 * browser marks Sec-Fetch-Site: same-origin); anything else gets 403 and writes nothing. Anonymous → 303 /login; without audit.read → 403 (withPermission). Malformed filters are ignored, as on
 * the list page; a body over 4 KB gets 413. Every answer is `no-store`.
 */
export const POST = withPermission("audit.read", async ({ request, user }) => {
  if (!isSameOriginPost(request)) return routeError(403, "Export from the Connections page of this site: this request did not come from it.");
  const body = await readCappedText(request, 4_096);
  if (body === null) return routeError(413, "The export request is too large; export from the Connections page.");
  const filter = parseQuery(bulkFilterSchema, new URLSearchParams(body));
  await recordConnectionsExport(user, filter);
  return new NextResponse(connectionsCsvStream(user, filter), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="connections-${new Date().toISOString().slice(0, 10)}.csv"`,
    },
  });
});

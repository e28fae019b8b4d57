import { NextResponse } from "next/server";
import { auditFilterSchema } from "@/lib/admin/audit";
import { auditCsvStream } from "@/lib/admin/audit-export";
import { parseQuery } from "@/lib/query";
import { withPermission } from "@/lib/route";

export const dynamic = "force-dynamic";

/**
 * GET /admin/audit/export?<audit filters>: every matching audit log entry as CSV, streamed (admins: audit.read).
 * Anonymous → 303 /login; without audit.read → 403 (withPermission). Malformed filters are ignored, as on the
 * audit page. Every answer is `no-store`.
 */
export const GET = withPermission("audit.read", ({ request, user }) => {
  return new NextResponse(auditCsvStream(user, { ...parseQuery(auditFilterSchema, request.nextUrl.searchParams), cursor: undefined }), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
    },
  });
});

import { NextResponse, type NextRequest } from "next/server";
import { auditFilterSchema } from "@/lib/admin/audit";
import { auditCsvStream } from "@/lib/admin/audit-export";
import { getCurrentUser } from "@/lib/auth/session";
import { can } from "@/lib/authz";

/** GET /admin/audit/export?<audit filters>: every matching audit log entry as CSV, streamed (admins only). */
export async function GET(req: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.redirect(new URL("/login", req.url), 303);
  if (!can(user, "audit.read")) return NextResponse.json({ error: "forbidden" }, { status: 403 });
  const flat = Object.fromEntries([...req.nextUrl.searchParams.entries()].filter(([, v]) => v !== ""));
  return new NextResponse(auditCsvStream(user, { ...auditFilterSchema.parse(flat), cursor: undefined }), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}

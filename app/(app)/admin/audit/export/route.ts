import { NextResponse, type NextRequest } from "next/server";
import { auditFilterSchema, listAudit } from "@/lib/admin/audit";
import { getCurrentUser } from "@/lib/auth/session";
import { can } from "@/lib/authz";
import { toCsv } from "@/lib/csv";
import { getIntegration } from "@/lib/integrations";

/** Most rows one export returns; narrower filters export the rest. */
const EXPORT_LIMIT = 100_000;

/** GET /admin/audit/export?<audit filters>: the filtered audit log as CSV (admins only). */
export async function GET(req: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.redirect(new URL("/login", req.url), 303);
  if (!can(user, "audit.read")) return NextResponse.json({ error: "forbidden" }, { status: 403 });
  const flat = Object.fromEntries([...req.nextUrl.searchParams.entries()].filter(([, v]) => v !== ""));
  const { entries } = await listAudit(user, { ...auditFilterSchema.parse(flat), cursor: undefined }, EXPORT_LIMIT);
  const csv = toCsv([
    ["Time (UTC)", "Kind", "What", "Who", "Athlete or user", "Service", "Detail"],
    ...entries.map((e) => [e.at.toISOString(), e.kind, e.label, e.actorName, e.athleteName ?? "", e.service ? getIntegration(e.service).name : "", e.detail ?? ""]),
  ]);
  return new NextResponse(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}

import "server-only";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { toCsv } from "@/lib/csv";
import { getIntegration } from "@/lib/integrations/registry";
import { listAudit, type AuditEntry, type AuditFilter } from "@/lib/admin/audit";

const HEADER = ["Time (UTC)", "Kind", "What", "Who", "Athlete or user", "Service", "Detail"];

const row = (e: AuditEntry) => [
  e.at.toISOString(),
  e.kind,
  e.label,
  e.actorName,
  e.athleteName ?? "",
  e.service ? getIntegration(e.service).name : "",
  e.detail ?? "",
];

/**
 * The whole audit log matching `filter` (its cursor ignored) as a CSV byte stream (RFC 4180, see toCsv),
 * newest first, header first. Streamed in keyset pages of `batchSize` rows (default 2,000), one page per pull,
 * so memory stays flat whatever the size (200,000 rows built as one string took 200 MB of heap) and other
 * requests are served between pages. Admins only: throws ForbiddenError at once otherwise. A database error
 * mid-way errors the stream (the download fails rather than ending short without notice).
 */
export function auditCsvStream(viewer: SessionUser | null, filter: AuditFilter, batchSize = 2_000): ReadableStream<Uint8Array> {
  assertCan(viewer, "audit.read");
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { entries, nextCursor } = await listAudit(viewer, { ...filter, cursor }, batchSize);
      const rows = entries.map(row);
      controller.enqueue(encoder.encode(toCsv(first ? [HEADER, ...rows] : rows)));
      first = false;
      if (nextCursor) cursor = nextCursor;
      else controller.close();
    },
  });
}

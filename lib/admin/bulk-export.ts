import "server-only";
import { and, asc, eq, gt, or, sql } from "drizzle-orm";
import { db } from "@/db";
import { countUpTo, formatCount } from "@/db/count";
import { accounts, users, type ServiceId } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { athleteNameOf, bulkFilterWhere, filterDetail, type BulkFilter } from "@/lib/admin/bulk-filter";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { listedStatus, STATUS_COLUMNS } from "@/lib/connections/listed-status";
import { STATUS_LABELS } from "@/lib/connections/status";
import { toCsv } from "@/lib/csv";
import { getIntegration } from "@/lib/integrations/registry";

/** The export's columns: who, which service, its derived status and its times (UTC, ISO 8601). Never a token. */
export const CONNECTIONS_CSV_HEADER = [
  "Athlete",
  "Email",
  "Service",
  "Status",
  "Linked at (UTC)",
  "Last refreshed (UTC)",
  "Last verified (UTC)",
  "Access token expires (UTC)",
  "Last error",
];

type Cursor = [name: string, userId: string, provider: ServiceId];

const iso = (d: Date | null) => (d ? d.toISOString() : "");

/**
 * Every connection matching `filter` as a CSV byte stream (RFC 4180, lib/csv.ts), header first, in the list's order
 * (athlete name, athlete id, service). Read in keyset pages of `batchSize` rows (default 1,000) through
 * users_name_idx, one page per pull, so memory stays flat for any number of rows and other requests are served
 * between pages. Token columns are never selected: only whether an access token exists, to derive the status.
 * The access token's expiry is empty when the connection holds no token or the token does not expire. Throws
 * ForbiddenError at once unless `viewer` may read the audit log; a database error mid-way errors the stream.
 */
export function connectionsCsvStream(viewer: SessionUser | null, filter: BulkFilter, batchSize = 1_000): ReadableStream<Uint8Array> {
  assertCan(viewer, "audit.read");
  const encoder = new TextEncoder();
  const now = Date.now();
  const where = bulkFilterWhere(filter, now);
  let cursor: Cursor | null = null;
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const seek = cursor
        ? and(
            sql`(${users.name}, ${users.id}) >= (${cursor[0]}, ${cursor[1]})`,
            or(sql`(${users.name}, ${users.id}) > (${cursor[0]}, ${cursor[1]})`, gt(accounts.provider, cursor[2])),
          )
        : undefined;
      const rows = await db
        .select({
          athleteId: users.id,
          athleteName: users.name,
          athleteEmail: users.email,
          ...STATUS_COLUMNS,
          linkedAt: accounts.linkedAt,
          lastRefreshedAt: accounts.lastRefreshedAt,
          lastVerifiedAt: accounts.lastVerifiedAt,
          lastError: accounts.lastError,
        })
        .from(users)
        .innerJoin(accounts, eq(accounts.userId, users.id))
        .where(and(where, seek))
        .orderBy(asc(users.name), asc(users.id), asc(accounts.provider))
        .limit(batchSize);
      const lines = rows.map((r) => {
        const status = listedStatus(r, now);
        const holdsToken = r.hasToken && status !== "not_connected" && status !== "revoked_by_service";
        return [
          r.athleteName,
          r.athleteEmail,
          getIntegration(r.provider).name,
          STATUS_LABELS[status],
          iso(r.linkedAt),
          iso(r.lastRefreshedAt),
          iso(r.lastVerifiedAt),
          holdsToken && r.expiresAt !== null ? new Date(r.expiresAt * 1000).toISOString() : "",
          r.lastError ?? "",
        ];
      });
      const chunk = toCsv(first ? [CONNECTIONS_CSV_HEADER, ...lines] : lines);
      if (chunk) controller.enqueue(encoder.encode(chunk));
      first = false;
      const last = rows.at(-1);
      if (rows.length < batchSize || !last) controller.close();
      else cursor = [last.athleteName, last.athleteId, last.provider];
    },
  });
}

/**
 * Records a `bulk_export` admin action for an export of the connections matching `filter` by `viewer`, with the
 * filters and the matching count (countUpTo: exact up to 10,000, then "10,000+"), before the file is sent.
 * Throws ForbiddenError unless `viewer` may read the audit log.
 */
export async function recordConnectionsExport(viewer: SessionUser | null, filter: BulkFilter): Promise<void> {
  assertCan(viewer, "audit.read");
  const [total, athleteName] = await Promise.all([countUpTo(accounts, bulkFilterWhere(filter, Date.now())), athleteNameOf(filter.athlete)]);
  await recordAdminAction({
    actorId: viewer.id,
    targetUserId: athleteName !== null ? filter.athlete : null,
    kind: "bulk_export",
    service: filter.service ?? null,
    detail: `exported ${formatCount(total)} connection(s) as CSV (${filterDetail(filter)})`,
  });
}

/**
 * True when `request` comes from a page of this app (docs/SECURITY.md row 11; the export is a POST that writes an
 * audit row, so a form on another site must not trigger it). An Origin header naming the host the request was
 * sent to (X-Forwarded-Host behind a proxy, else Host) passes, as in proxy.ts. The app's `Referrer-Policy:
 * no-referrer` (next.config.mjs) makes browsers send `Origin: null` on a form POST (Fetch standard, "append a
 * request Origin header"), so a null or missing Origin passes only with `Sec-Fetch-Site: same-origin`, which
 * browsers set themselves and pages cannot forge (Fetch Metadata). Anything else is refused.
 */
export function isSameOriginPost(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin === null || origin === "null") return request.headers.get("sec-fetch-site") === "same-origin";
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

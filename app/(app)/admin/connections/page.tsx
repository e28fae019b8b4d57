import type { Metadata } from "next";
import Link from "next/link";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { PageNav } from "@/components/ui/pagination";
import { formatCount } from "@/db/count";
import { SERVICE_IDS } from "@/db/schema";
import { LISTABLE_STATUSES, listConnectionsPage } from "@/lib/admin/connections";
import { requireRole } from "@/lib/auth/session";
import { STATUS_LABELS, type ConnectionStatus } from "@/lib/connections/status";
import { athleteNameOf, countBulk, describeBulkSelection } from "@/lib/admin/bulk-filter";
import { BulkBar } from "./bulk-bar";
import { ConnectionsTable } from "./connections-table";
import { ServiceFilter } from "@/components/connections/service-filter";
import { Button } from "@/components/ui/button";
import { z } from "zod";
import { parseQuery } from "@/lib/query";

export const metadata: Metadata = { title: "Connections" };

/** No tokens held: nothing expires and nothing to revoke. */
const GONE: ReadonlySet<ConnectionStatus> = new Set(["not_connected", "revoked_by_service"]);

const connectionsQuery = z.object({
  service: z.enum(SERVICE_IDS).optional().catch(undefined),
  status: z.enum(LISTABLE_STATUSES).optional().catch(undefined),
  athlete: z
    .string()
    .transform((s) => s.slice(0, 100))
    .optional()
    .catch(undefined),
  after: z.string().max(2_000).optional().catch(undefined),
  before: z.string().max(2_000).optional().catch(undefined),
  last: z.literal("1").optional().catch(undefined),
});

export default async function AdminConnectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requireRole("admin");
  const { service, status, athlete: athleteId, after, before, last } = parseQuery(connectionsQuery, await searchParams);
  const listing = listConnectionsPage(admin, { service, status, athleteId, after, before, last: last === "1" });
  const filter = { service, status, athlete: athleteId };
  const counts = await countBulk(
    filter,
    listing.then((page) => page.total),
  );
  const { rows, previous, next, total } = await listing;
  const athleteName = athleteId ? (rows[0]?.athleteName ?? (await athleteNameOf(athleteId))) : null;
  const bothExact = !counts.matching.more && !counts.revocable.more;
  const href = (extra: Record<string, string>) =>
    `/admin/connections?${new URLSearchParams(
      Object.entries({ service, status, athlete: athleteId, ...extra }).filter((e): e is [string, string] => Boolean(e[1])),
    )}`;
  const range = rows.length > 0 ? `${rows[0]!.athleteName} – ${rows.at(-1)!.athleteName} · ${formatCount(total)} matching` : undefined;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Connections</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every connection of every athlete. Revoke cuts access at once, through the same path as the athlete&apos;s Disconnect.
        </p>
      </div>
      <form method="get" className="flex flex-wrap items-end gap-3">
        {athleteId ? <input type="hidden" name="athlete" value={athleteId} /> : null}
        <ServiceFilter value={service} />
        <div>
          <label htmlFor="status" className={LABEL_CLASS}>
            Status
          </label>
          <select id="status" name="status" defaultValue={status ?? ""} className={FIELD_CLASS}>
            <option value="">All statuses</option>
            {LISTABLE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {athleteId || service || status ? (
          <Link href="/admin/connections" className="py-2 text-sm font-medium text-brand-700 hover:underline">
            Clear filters
          </Link>
        ) : null}
      </form>
      <BulkBar
        filter={filter}
        matchingLabel={formatCount(counts.matching)}
        revocable={counts.revocable.count}
        revocableMore={counts.revocable.more}
        revocableWords={describeBulkSelection(counts.revocable.count, filter, athleteName)}
        gone={bothExact ? counts.matching.count - counts.revocable.count : 0}
      />
      <ConnectionsTable
        caption={`Connections, ${formatCount(total)} matching`}
        rows={rows.map((r) => ({
          id: r.id,
          athleteId: r.athleteId,
          athleteName: r.athleteName,
          athleteEmail: r.athleteEmail,
          serviceName: r.serviceName,
          status: r.status,
          linked: r.linkedAt ? r.linkedAt.getTime() : "—",
          expires: GONE.has(r.status) ? "—" : r.expiresAt ? r.expiresAt * 1000 : "Does not expire",
          verified: r.lastVerifiedAt ? r.lastVerifiedAt.getTime() : "Never",
          revocable: !GONE.has(r.status),
        }))}
      />
      <PageNav
        first={previous ? href({}) : null}
        previous={previous ? href({ before: previous }) : null}
        position={range}
        next={next ? href({ after: next }) : null}
        last={next ? href({ last: "1" }) : null}
      />
    </div>
  );
}

import { LocalTime } from "@/components/ui/local-time";
import type { Metadata } from "next";
import Link from "next/link";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { AUDIT_KINDS, auditFilterSchema, auditKindLabel, findAuditPeople, listAudit } from "@/lib/admin/audit";
import { requireRole } from "@/lib/auth/session";
import { getIntegration } from "@/lib/integrations/registry";
import { ServiceFilter } from "@/components/connections/service-filter";
import { Button, buttonClasses } from "@/components/ui/button";
import { PageNav } from "@/components/ui/pagination";
import { flattenQuery, parseQuery } from "@/lib/query";

export const metadata: Metadata = { title: "Audit log" };

function query(values: Record<string, string | undefined>): string {
  return new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => Boolean(e[1]))).toString();
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requireRole("admin");
  const raw = flattenQuery(await searchParams);
  const filter = parseQuery(auditFilterSchema, raw);
  const [{ entries, nextCursor }, people] = await Promise.all([listAudit(admin, filter), findAuditPeople(admin, [filter.actor, filter.athlete])]);
  const actorPerson = filter.actor ? people.get(filter.actor) : undefined;
  const athletePerson = filter.athlete ? people.get(filter.athlete) : undefined;
  const kept = {
    actor: filter.actor,
    athlete: filter.athlete,
    service: filter.service,
    kind: filter.kind,
    // The days as typed (the filter holds them as instants).
    from: raw.from,
    to: raw.to,
  };
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Audit log</h1>
          <p className="mt-1 text-sm text-slate-600">
            Every connection event and every admin action, newest first. Times are in your time zone (UTC on hover); the CSV export is in UTC.
          </p>
        </div>
        <a href={`/admin/audit/export?${query(kept)}`} className={buttonClasses("secondary")}>
          Export CSV
        </a>
      </div>
      <form method="get" className="grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-3 lg:grid-cols-6">
        <div>
          <label htmlFor="actor" className={LABEL_CLASS}>
            Actor
          </label>
          <input
            id="actor"
            name="actor"
            type="text"
            inputMode="email"
            autoComplete="off"
            placeholder="Anyone (email)"
            defaultValue={actorPerson?.email ?? filter.actor ?? ""}
            aria-describedby="actor-found"
            className={FIELD_CLASS}
          />
          <p id="actor-found" className="mt-1 text-xs text-slate-500">
            {filter.actor ? (actorPerson ? `${actorPerson.name} (${actorPerson.role})` : "No such user") : "Email of who did it"}
          </p>
        </div>
        <div>
          <label htmlFor="athlete" className={LABEL_CLASS}>
            Athlete or user
          </label>
          <input
            id="athlete"
            name="athlete"
            type="text"
            inputMode="email"
            autoComplete="off"
            placeholder="Anyone (email)"
            defaultValue={athletePerson?.email ?? filter.athlete ?? ""}
            aria-describedby="athlete-found"
            className={FIELD_CLASS}
          />
          <p id="athlete-found" className="mt-1 text-xs text-slate-500">
            {filter.athlete ? (athletePerson ? `${athletePerson.name} (${athletePerson.email})` : "No such user") : "Email of the athlete or user"}
          </p>
        </div>
        <ServiceFilter value={filter.service} />
        <div>
          <label htmlFor="kind" className={LABEL_CLASS}>
            Kind
          </label>
          <select id="kind" name="kind" defaultValue={filter.kind ?? ""} className={FIELD_CLASS}>
            <option value="">All kinds</option>
            {AUDIT_KINDS.map((k) => (
              <option key={k} value={k}>
                {auditKindLabel(k)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="from" className={LABEL_CLASS}>
            From
          </label>
          <input id="from" name="from" type="date" defaultValue={kept.from ?? ""} className={FIELD_CLASS} />
        </div>
        <div>
          <label htmlFor="to" className={LABEL_CLASS}>
            To
          </label>
          <input id="to" name="to" type="date" defaultValue={kept.to ?? ""} className={FIELD_CLASS} />
        </div>
        <div className="flex items-end gap-3 sm:col-span-3 lg:col-span-6">
          <Button type="submit">Apply filters</Button>
          <Link href="/admin/audit" className="text-sm font-medium text-brand-700 hover:underline">
            Clear
          </Link>
        </div>
      </form>
      <div className="relative overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <table className="data-table min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Audit log entries</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col">Time</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Athlete or user</th>
              <th scope="col">Service</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 text-slate-700">
            {entries.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-4 py-6 text-center text-slate-600">
                  Nothing matches these filters.
                </td>
              </tr>
            ) : (
              entries.map((e) => (
                <tr key={e.key}>
                  <td className="whitespace-nowrap">
                    <LocalTime ms={e.at.getTime()} style="minute" />
                  </td>
                  <td className="font-medium text-slate-900">{e.label}</td>
                  <td>{e.actorName}</td>
                  <td>{e.athleteName ?? "—"}</td>
                  <td>{e.service ? getIntegration(e.service).name : "—"}</td>
                  <td className="max-w-md break-words text-slate-600">{e.detail ?? ""}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <PageNav
        previous={filter.cursor ? `/admin/audit?${query(kept)}` : null}
        next={nextCursor ? `/admin/audit?${query({ ...kept, cursor: nextCursor })}` : null}
        previousLabel="← Newest"
        nextLabel="Older entries →"
      />
    </div>
  );
}

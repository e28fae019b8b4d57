import { LocalTime } from "@/components/ui/local-time";
import type { Metadata } from "next";
import Link from "next/link";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { AUDIT_KINDS, auditFilterSchema, auditKindLabel, listAudit } from "@/lib/admin/audit";
import { resolvePerson, type PersonResolution } from "@/lib/admin/user-search";
import { UserCombobox } from "@/components/ui/user-combobox";
import { requireRole } from "@/lib/auth/session";
import { getIntegration } from "@/lib/integrations/registry";
import { ServiceFilter } from "@/components/connections/service-filter";
import { Button, buttonClasses } from "@/components/ui/button";
import { PageNav } from "@/components/ui/pagination";
import { flattenQuery, parseQuery } from "@/lib/query";
import { TableScroll } from "@/components/ui/table-scroll";

export const metadata: Metadata = { title: "Audit log" };

function query(values: Record<string, string | undefined>): string {
  return new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => Boolean(e[1]))).toString();
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requireRole("admin");
  const raw = flattenQuery(await searchParams);
  const typed = parseQuery(auditFilterSchema, raw);
  // The person filters as typed (an id or email from a shared URL, or part of a name or email) → one user each.
  const [actorFound, athleteFound] = await Promise.all([
    typed.actor ? resolvePerson(admin, typed.actor) : null,
    typed.athlete ? resolvePerson(admin, typed.athlete) : null,
  ]);
  const actorPerson = actorFound?.kind === "one" ? actorFound.user : undefined;
  const athletePerson = athleteFound?.kind === "one" ? athleteFound.user : undefined;
  // Filter on the resolved ids; an unresolved value stays as typed (it matches nobody, and the form says why).
  const filter = { ...typed, actor: actorPerson?.id ?? typed.actor, athlete: athletePerson?.id ?? typed.athlete };
  const unresolved = (actorFound && actorFound.kind !== "one") || (athleteFound && athleteFound.kind !== "one");
  const { entries, nextCursor } = await listAudit(admin, filter);
  const kept = {
    actor: actorPerson?.email ?? typed.actor,
    athlete: athletePerson?.email ?? typed.athlete,
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
          <UserCombobox
            id="actor"
            name="actor"
            searchUrl="/admin/audit/people"
            placeholder="Anyone (name or email)"
            defaultValue={actorPerson?.email ?? typed.actor ?? ""}
            describedBy="actor-found"
          />
          <PersonHint
            id="actor-found"
            typed={typed.actor}
            found={actorFound}
            shown={(u) => `${u.name} (${u.role})`}
            empty="Name or email of who did it"
          />
        </div>
        <div>
          <label htmlFor="athlete" className={LABEL_CLASS}>
            Athlete or user
          </label>
          <UserCombobox
            id="athlete"
            name="athlete"
            searchUrl="/admin/audit/people"
            placeholder="Anyone (name or email)"
            defaultValue={athletePerson?.email ?? typed.athlete ?? ""}
            describedBy="athlete-found"
          />
          <PersonHint
            id="athlete-found"
            typed={typed.athlete}
            found={athleteFound}
            shown={(u) => `${u.name} (${u.email})`}
            empty="Name or email of the athlete or user"
          />
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
      {actorFound?.kind === "many" ? <PickOne field="actor" label="Actor" found={actorFound} typed={typed.actor ?? ""} kept={kept} /> : null}
      {athleteFound?.kind === "many" ? (
        <PickOne field="athlete" label="Athlete or user" found={athleteFound} typed={typed.athlete ?? ""} kept={kept} />
      ) : null}
      <TableScroll label="Audit log entries">
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
                  {unresolved ? "Pick the user you mean above to see their entries." : "Nothing matches these filters."}
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
      </TableScroll>
      <PageNav
        previous={filter.cursor ? `/admin/audit?${query(kept)}` : null}
        next={nextCursor ? `/admin/audit?${query({ ...kept, cursor: nextCursor })}` : null}
        previousLabel="← Newest"
        nextLabel="Older entries →"
      />
    </div>
  );
}

/** The line under a person filter: who it resolved to, or why it did not (announced: role=alert). */
function PersonHint({
  id,
  typed,
  found,
  shown,
  empty,
}: {
  id: string;
  typed: string | undefined;
  found: PersonResolution | null;
  shown: (user: { name: string; email: string; role: string }) => string;
  empty: string;
}) {
  if (!typed || !found)
    return (
      <p id={id} className="mt-1 text-xs text-slate-500">
        {empty}
      </p>
    );
  if (found.kind === "one")
    return (
      <p id={id} className="mt-1 text-xs text-slate-500">
        {shown(found.user)}
      </p>
    );
  return (
    <p id={id} role="alert" className="mt-1 text-xs font-medium text-red-700">
      {found.kind === "none" ? `No user matches “${typed}”.` : `${found.users.length}${found.more ? "+" : ""} users match — pick one below.`}
    </p>
  );
}

/** The users a partial name matched, each a link to the same filters with that user picked (the others kept). */
function PickOne({
  field,
  label,
  found,
  typed,
  kept,
}: {
  field: "actor" | "athlete";
  label: string;
  found: Extract<PersonResolution, { kind: "many" }>;
  typed: string;
  kept: Record<string, string | undefined>;
}) {
  const headingId = `${field}-matches`;
  return (
    <section aria-labelledby={headingId} className="rounded-xl bg-amber-50 p-4 text-sm ring-1 ring-amber-200">
      <h2 id={headingId} className="font-semibold text-amber-900">
        {label}: {found.users.length}
        {found.more ? "+" : ""} users match “{typed}” — pick one
      </h2>
      <ul className="mt-2 space-y-1">
        {found.users.map((u) => (
          <li key={u.id}>
            <Link href={`/admin/audit?${query({ ...kept, [field]: u.email })}`} className="font-medium text-brand-700 hover:underline">
              {u.name}
            </Link>{" "}
            <span className="text-slate-600">
              {u.email} · {u.role}
            </span>
          </li>
        ))}
      </ul>
      {found.more ? <p className="mt-2 text-slate-600">More users match: type more of the name or email.</p> : null}
    </section>
  );
}

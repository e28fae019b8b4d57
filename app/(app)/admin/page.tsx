import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { FIELD_CLASS } from "@/components/ui/form-fields";
import { PageNav } from "@/components/ui/pagination";
import { formatCount } from "@/db/count";
import { listUsersPage } from "@/lib/admin/users";
import { requireRole } from "@/lib/auth/session";
import { CreateUserForm } from "./create-user-form";
import { Button } from "@/components/ui/button";
import { z } from "zod";
import { parseQuery } from "@/lib/query";
import { TableScroll } from "@/components/ui/table-scroll";

export const metadata: Metadata = { title: "Users" };

const usersQuery = z.object({
  q: z
    .string()
    .transform((s) => s.slice(0, 100))
    .catch(""),
  after: z.string().max(2_000).optional().catch(undefined),
  before: z.string().max(2_000).optional().catch(undefined),
  last: z.literal("1").optional().catch(undefined),
});

export default async function AdminUsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requireRole("admin");
  const { q, after, before, last } = parseQuery(usersQuery, await searchParams);
  const { rows, total, previous, next } = await listUsersPage(admin, { q, after, before, last: last === "1" });
  const href = (extra: Record<string, string>) =>
    `/admin?${new URLSearchParams(Object.entries({ q, ...extra }).filter((e): e is [string, string] => Boolean(e[1])))}`;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Users</h1>
        <p className="mt-1 text-sm text-slate-600">
          Everyone who can sign in to TrainLink. Open a user to change their role, disable them or assign coaches.
        </p>
      </div>

      <form method="get" className="flex flex-wrap items-end gap-3" role="search">
        <div className="min-w-64 flex-1">
          <label htmlFor="q" className="block text-sm font-medium text-slate-700">
            Search users
          </label>
          <input id="q" name="q" defaultValue={q} placeholder="Name or email" className={FIELD_CLASS} />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>

      <TableScroll label="Users">
        <table className="data-table min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Users, {formatCount(total)} in all</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Coaches</th>
              <th scope="col">Connections</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 text-slate-700">
            {rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-4 py-6 text-center text-slate-600">
                  No user matches “{q}”.
                </td>
              </tr>
            ) : (
              rows.map((u) => (
                <tr key={u.id}>
                  <th scope="row">
                    <Link href={`/admin/users/${u.id}`} prefetch={false} className="table-link">
                      {u.name}
                    </Link>
                    {u.disabledAt ? (
                      <span className="ml-2">
                        <Badge tone="red">disabled</Badge>
                      </span>
                    ) : null}
                  </th>
                  <td>{u.email}</td>
                  <td>
                    <Badge tone={u.role === "admin" ? "red" : u.role === "coach" ? "blue" : "gray"}>{u.role}</Badge>
                  </td>
                  <td>{u.role === "athlete" ? u.coaches.join(", ") || "—" : "—"}</td>
                  <td>{u.role === "athlete" ? u.connected : "—"}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
      <PageNav
        first={previous ? href({}) : null}
        previous={previous ? href({ before: previous }) : null}
        position={rows.length > 0 ? `${rows[0]!.name} – ${rows.at(-1)!.name} · ${formatCount(total)} ${q ? "matching" : "in all"}` : undefined}
        next={next ? href({ after: next }) : null}
        last={next ? href({ last: "1" }) : null}
      />

      <section aria-labelledby="create-user" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="create-user" className="mb-4 text-base font-semibold text-slate-900">
          Create user
        </h2>
        <CreateUserForm />
      </section>
    </div>
  );
}

import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { requireRole } from "@/lib/auth/session";
import { listUsers } from "@/lib/users";

export const metadata: Metadata = { title: "Users" };

export default async function AdminPage() {
  const admin = await requireRole("admin");
  const users = await listUsers(admin);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Users</h1>
        <p className="mt-1 text-sm text-slate-600">Everyone who can sign in to TrainLink, with their role.</p>
      </div>
      <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">Name</th>
              <th scope="col" className="px-4 py-3">Email</th>
              <th scope="col" className="px-4 py-3">Role</th>
              <th scope="col" className="px-4 py-3">Connections</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {users.map((u) => (
              <tr key={u.id}>
                <td className="px-4 py-3 font-medium text-slate-900">{u.name}</td>
                <td className="px-4 py-3 text-slate-700">{u.email}</td>
                <td className="px-4 py-3">
                  <Badge tone={u.role === "admin" ? "red" : u.role === "coach" ? "blue" : "gray"}>{u.role}</Badge>
                </td>
                <td className="px-4 py-3 text-slate-700">{u.role === "athlete" ? u.connected : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

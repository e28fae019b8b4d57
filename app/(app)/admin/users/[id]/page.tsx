import { LocalTime } from "@/components/ui/local-time";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AthleteReconnectRequests } from "@/components/reconnect-requests/athlete-reconnect-requests";
import { Badge } from "@/components/ui/badge";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { getUserForAdmin, listCoaches } from "@/lib/admin/users";
import { requireRole } from "@/lib/auth/session";
import { getReconnectOverview } from "@/lib/reconnect-requests/list-reconnect-requests";
import { sendResetLinkAction, setDisabledAction } from "../../actions";
import { CoachesForm, RoleForm } from "./user-forms";

export const metadata: Metadata = { title: "User" };

export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  const admin = await requireRole("admin");
  const { id } = await params;
  const user = await getUserForAdmin(admin, id);
  if (!user) notFound();
  const self = user.id === admin.id;
  const [coaches, reconnect] = user.role === "athlete" ? await Promise.all([listCoaches(admin), getReconnectOverview(admin, user.id)]) : [[], []];
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin" className="text-sm font-medium text-brand-700 hover:underline">
          ← Users
        </Link>
        <h1 className="mt-2 flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight text-slate-900">
          {user.name}
          <Badge tone={user.role === "admin" ? "red" : user.role === "coach" ? "blue" : "gray"}>{user.role}</Badge>
          {user.disabledAt ? (
            <Badge tone="red">
              disabled since <LocalTime ms={user.disabledAt.getTime()} style="day" />
            </Badge>
          ) : (
            <Badge tone="green">active</Badge>
          )}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          {user.email} · joined <LocalTime ms={user.createdAt.getTime()} style="day" /> ·{" "}
          <Link href={`/admin/audit?athlete=${user.id}`} className="text-brand-700 hover:underline">
            audit log
          </Link>
          {user.role === "athlete" ? (
            <>
              {" · "}
              <Link href={`/admin/connections?athlete=${user.id}`} className="text-brand-700 hover:underline">
                connections
              </Link>
              {" · "}
              <Link href={`/admin/services?${new URLSearchParams({ email: user.email })}#link-exorlive`} className="text-brand-700 hover:underline">
                link ExorLive
              </Link>
            </>
          ) : null}
        </p>
      </div>

      <section className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 className="mb-3 text-base font-semibold text-slate-900">Role</h2>
        {self ? <p className="mb-3 text-sm text-slate-600">You cannot change your own role.</p> : null}
        <RoleForm userId={user.id} userName={user.name} role={user.role} disabled={self} />
      </section>

      {user.role === "athlete" ? (
        <section className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
          <h2 className="mb-3 text-base font-semibold text-slate-900">Coaches</h2>
          <CoachesForm userId={user.id} coaches={coaches} assigned={user.coachIds} />
        </section>
      ) : null}

      {user.role === "athlete" ? <AthleteReconnectRequests athlete={user} overview={reconnect} /> : null}

      <section className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 className="mb-1 text-base font-semibold text-slate-900">Password</h2>
        <p className="mb-3 text-sm text-slate-600">
          {user.disabledAt
            ? "Enable this user before sending a reset link."
            : `A reset link mailed to ${user.email} lets them choose a new password. It works once, for 30 minutes; you never see it.`}
        </p>
        {user.disabledAt ? null : (
          <ConfirmAction
            label="Send reset link"
            title={`Send ${user.name} a reset link?`}
            description={`A single-use link to choose a new password goes to ${user.email}. Their current password keeps working until they use it.`}
            confirmLabel="Send reset link"
            action={sendResetLinkAction}
            fields={{ userId: user.id }}
          />
        )}
      </section>

      <section className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 className="mb-1 text-base font-semibold text-slate-900">Access</h2>
        <p className="mb-3 text-sm text-slate-600">
          {user.disabledAt
            ? "This user cannot sign in. Enabling lets them sign in again with their password."
            : "Disabling stops every open session of this user at their next request. Their connections are kept."}
        </p>
        {self ? (
          <p className="text-sm text-slate-600">You cannot disable your own account.</p>
        ) : user.disabledAt ? (
          <ConfirmAction
            label="Enable user"
            title={`Enable ${user.name}?`}
            description={`${user.name} will be able to sign in again.`}
            confirmLabel="Enable user"
            action={setDisabledAction}
            fields={{ userId: user.id, disabled: "false" }}
          />
        ) : (
          <ConfirmAction
            label="Disable user"
            title={`Disable ${user.name}?`}
            description={`${user.name} is signed out at their next request and cannot sign in until enabled again.`}
            confirmLabel="Disable user"
            action={setDisabledAction}
            fields={{ userId: user.id, disabled: "true" }}
            variant="danger"
          />
        )}
      </section>
    </div>
  );
}

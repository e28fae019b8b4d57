import { LocalTime } from "@/components/ui/local-time";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SERVICE_IDS, type ServiceId } from "@/db/schema";
import { requireRole } from "@/lib/auth/session";
import { listConnectionHistory } from "@/lib/connections/history";
import { getIntegration } from "@/lib/integrations/registry";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Connection history" };

const TONE: Record<string, string> = {
  linked: "bg-emerald-500",
  relinked: "bg-emerald-500",
  refreshed: "bg-sky-500",
  plan_changed: "bg-sky-500",
  disconnected: "bg-slate-400",
};

export default async function HistoryPage({ params }: { params: Promise<{ service: string }> }) {
  const user = await requireRole("athlete");
  const { service } = await params;
  if (!(SERVICE_IDS as readonly string[]).includes(service)) notFound();
  const integration = getIntegration(service as ServiceId);
  const entries = await listConnectionHistory(user, user.id, integration.id);
  return (
    <div className="space-y-6">
      <div>
        <Link href="/connections" className="text-sm font-medium text-brand-700 hover:underline">
          ← Connections
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">{integration.name} history</h1>
        <p className="mt-1 text-sm text-slate-600">
          Everything that happened to this connection, newest first. Times are in your time zone (UTC on hover).
          {env.REFRESH_EVENTS_RETENTION_DAYS > 0
            ? ` Automatic refreshes are kept for ${env.REFRESH_EVENTS_RETENTION_DAYS} days; everything else for good.`
            : ""}
        </p>
      </div>
      {entries.length === 0 ? (
        <p className="rounded-xl bg-white p-6 text-sm text-slate-600 ring-1 ring-slate-200">Nothing has happened with {integration.name} yet.</p>
      ) : (
        <ol aria-label={`${integration.name} history`} className="space-y-0 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
          {entries.map((entry) => (
            <li key={entry.id} className="relative flex gap-4 border-l border-slate-200 pb-5 pl-5 last:pb-0">
              <span
                aria-hidden="true"
                className={`absolute top-1 -left-1.5 size-3 rounded-full ring-4 ring-white ${TONE[entry.kind] ?? "bg-amber-500"}`}
              />
              <div className="min-w-0">
                <p className="text-sm font-semibold text-slate-900">{entry.label}</p>
                <p className="text-xs text-slate-500">
                  <LocalTime ms={entry.at.getTime()} /> · {entry.who}
                </p>
                {entry.detail ? <p className="mt-1 text-sm break-words text-slate-700">{entry.detail}</p> : null}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

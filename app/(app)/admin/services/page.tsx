import { Fact } from "@/components/ui/fact";
import type { Metadata } from "next";
import { LocalTime } from "@/components/ui/local-time";
import { Badge } from "@/components/ui/badge";
import { requireRole } from "@/lib/auth/session";
import { masterTokenStatus } from "@/lib/integrations/fitrankings/master-token";
import { serviceHealthByService } from "@/lib/connections/service-health";
import { getIntegration, integrations } from "@/lib/integrations/registry";
import { ExorLiveLinkForm } from "@/lib/integrations/exorlive/link-form";
import { ExorLiveRequestQueue } from "@/lib/integrations/exorlive/link-request-queue";
import { listOpenLinkRequests, QUEUE_LIMIT } from "@/lib/integrations/exorlive/link-requests";
import { MasterTokenControls } from "@/lib/integrations/fitrankings/master-token-controls";
import { z } from "zod";
import { parseQuery } from "@/lib/query";
import { mailStatus } from "@/lib/mail/status";

export const metadata: Metadata = { title: "Services" };

const servicesQuery = z.object({
  email: z
    .string()
    .transform((s) => s.slice(0, 320))
    .optional()
    .catch(undefined),
});

export default async function AdminServicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requireRole("admin");
  const { email } = parseQuery(servicesQuery, await searchParams);
  const master = await masterTokenStatus();
  const health = await serviceHealthByService();
  const mail = await mailStatus();
  const queue = await listOpenLinkRequests(admin);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Services</h1>
        <p className="mt-1 text-sm text-slate-600">How this server talks to each training service, and the links only an administrator may make.</p>
      </div>
      <section aria-labelledby="exorlive-requests" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="exorlive-requests" className="text-base font-semibold text-slate-900">
          ExorLive link requests
        </h2>
        <p className="mt-1 mb-2 text-sm text-slate-600">
          Athletes, and coaches for their athletes, ask here for ExorLive to be linked from an ExorLive user ID. Approve links it exactly as the form
          below does; Decline tells the athlete why.
        </p>
        <ExorLiveRequestQueue
          limit={QUEUE_LIMIT}
          rows={queue.map((r) => ({
            id: r.id,
            athleteName: r.athleteName,
            athleteEmail: r.athleteEmail,
            requestedByName: r.requestedByName,
            requestedByRole: r.requestedByRole,
            exorliveUserId: r.exorliveUserId,
            note: r.note,
            createdAtMs: r.createdAt.getTime(),
          }))}
        />
      </section>

      <section aria-labelledby="link-exorlive" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="link-exorlive" className="text-base font-semibold text-slate-900">
          Link ExorLive for an athlete
        </h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">
          ExorLive links server to server: our client secret can obtain a token for any ExorLive user, so only an administrator may link it, from the
          athlete&apos;s ExorLive user ID. Pick the athlete by name or email; you confirm what is linked before anything is stored. Each
          athlete&apos;s page on Users has a shortcut here with their email filled in.
        </p>
        <ExorLiveLinkForm configured={getIntegration("exorlive").credentials !== null} email={email} />
      </section>

      <section aria-labelledby="service-credentials" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="service-credentials" className="text-base font-semibold text-slate-900">
          Service credentials
        </h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">Which services this server can talk to, and where. Secrets are never shown.</p>
        <ul className="divide-y divide-slate-100">
          {integrations().map((service) => (
            <li key={service.id} className="flex flex-wrap items-start justify-between gap-4 py-3">
              <div className="min-w-0">
                <p className="font-medium text-slate-900">{service.name}</p>
                <p className="text-sm text-slate-600">
                  {service.environment} · <code className="text-xs break-all">{service.baseUrl}</code>
                </p>
                {health[service.id] ? (
                  <p role="alert" className="mt-2 max-w-prose rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 ring-1 ring-red-600/20 ring-inset">
                    {service.name} has refused TrainLink&apos;s client credentials since{" "}
                    <LocalTime ms={health[service.id]!.credentialsRejectedAt.getTime()} /> ({health[service.id]!.lastError}). Check the client ID and
                    secret in this server&apos;s configuration. Athletes&apos; connections are kept; refreshes of {service.name} are paused until{" "}
                    <LocalTime ms={health[service.id]!.nextAttemptAt.getTime()} style="time" /> and resume by themselves once the credentials work.
                  </p>
                ) : null}
                {service.id === "fitrankings" ? (
                  <p className="mt-1 text-sm text-slate-700">
                    Master token:{" "}
                    {master.held && master.obtainedAt ? (
                      <>
                        held, obtained <LocalTime ms={master.obtainedAt.getTime()} />
                      </>
                    ) : (
                      "not held yet (obtained on first use)"
                    )}
                  </p>
                ) : null}
              </div>
              <div className="flex flex-col items-end gap-2">
                {health[service.id] ? (
                  <Badge tone="red">Credentials rejected</Badge>
                ) : (
                  <Badge tone={service.credentials ? "green" : "amber"}>{service.credentials ? "Configured" : "Not configured"}</Badge>
                )}
                {service.id === "fitrankings" ? <MasterTokenControls configured={service.credentials !== null} /> : null}
              </div>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="mail-status" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h2 id="mail-status" className="text-base font-semibold text-slate-900">
              Email
            </h2>
            <p className="mt-1 text-sm text-slate-600">
              Alerts to athletes, reconnect requests and coach digests go out through this server&apos;s outbox.
            </p>
          </div>
          <Badge tone={mail.enabled ? "green" : "amber"}>{mail.enabled ? "On" : "Off"}</Badge>
        </div>
        {mail.enabled ? (
          <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            <Fact label="SMTP server">
              <code className="text-xs break-all">{mail.server}</code>
            </Fact>
            <Fact label="From">{mail.from}</Fact>
            <Fact label="Sent in the last 24 hours">
              {mail.sentLastDay}
              {mail.lastSentAt ? (
                <>
                  {" "}
                  (last <LocalTime ms={mail.lastSentAt.getTime()} style="dayMinute" />)
                </>
              ) : null}
            </Fact>
            <Fact label="Waiting">{mail.waiting}</Fact>
            <Fact label="Given up">{mail.failed === 0 ? "none" : `${mail.failed} (the SMTP server refused them for good)`}</Fact>
          </dl>
        ) : (
          <p className="mt-3 text-sm text-slate-700">
            Mail is off: <code className="text-xs">SMTP_URL</code> is not set, so nobody is emailed. Athletes still see the banner in the app. Set{" "}
            <code className="text-xs">SMTP_URL</code> (and <code className="text-xs">MAIL_FROM</code>) and restart to turn it on.
          </p>
        )}
        {mail.enabled && mail.retrying > 0 ? (
          <p role="alert" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-600/20 ring-inset">
            {mail.retrying} {mail.retrying === 1 ? "mail is" : "mails are"} being retried ({mail.lastError}). Nothing is lost: they go out when the
            SMTP server answers again.
          </p>
        ) : null}
      </section>
    </div>
  );
}

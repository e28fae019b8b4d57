import { LocalTime } from "@/components/ui/local-time";
import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { listWebhookEndpoints } from "@/lib/webhooks";
import { lastAttempts } from "@/lib/webhooks/endpoints";
import { AddEndpointForm } from "./add-endpoint-form";
import { EndpointStatusBadge } from "./status-badge";
import { TableScroll } from "@/components/ui/table-scroll";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  await requireRole("admin");
  const endpoints = await listWebhookEndpoints();
  const last = await lastAttempts(endpoints.map((e) => e.id));
  const disabled = endpoints.filter((e) => e.disabledAt);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Webhooks</h1>
        <p className="mt-1 max-w-prose text-sm text-slate-600">
          Your own systems hear about connection changes (linked, failing, needing a reconnect, ended, working again) as signed HTTPS POSTs. Verify
          each one with the endpoint&apos;s secret as the{" "}
          <a href="https://www.standardwebhooks.com/" className="font-medium text-brand-700 hover:underline" rel="noreferrer" target="_blank">
            Standard Webhooks specification
          </a>{" "}
          describes (headers <code className="text-xs">webhook-id</code>, <code className="text-xs">webhook-timestamp</code>,{" "}
          <code className="text-xs">webhook-signature</code>); failed deliveries are retried for 24 hours.
        </p>
      </div>

      {disabled.map((e) => (
        <p
          key={e.id}
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm [overflow-wrap:anywhere] text-red-900 ring-1 ring-red-600/20 ring-inset"
        >
          TrainLink disabled <code className="text-xs">{e.url}</code> on <LocalTime ms={e.disabledAt!.getTime()} />: {e.disabledReason}. Fix the
          receiver, then{" "}
          <Link href={`/admin/webhooks/${e.id}`} className="font-medium underline">
            re-enable it
          </Link>{" "}
          and redeliver what it missed.
        </p>
      ))}

      <section aria-labelledby="add-endpoint" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="add-endpoint" className="text-base font-semibold text-slate-900">
          Add endpoint
        </h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">
          An HTTPS URL of your system that answers 2xx to a POST. Its signing secret is shown once, after adding.
        </p>
        <AddEndpointForm />
      </section>

      <section aria-labelledby="endpoints" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <h2 id="endpoints" className="px-5 pt-5 text-base font-semibold text-slate-900">
          Endpoints
        </h2>
        {endpoints.length === 0 ? (
          <p className="px-5 py-6 text-sm text-slate-600">No endpoints yet. Add one above to start receiving webhooks.</p>
        ) : (
          <TableScroll label="Webhook endpoints" bare>
            <table className="data-table mt-3 min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">Webhook endpoints</caption>
              <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Events</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last delivery</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 text-slate-700">
                {endpoints.map((e) => {
                  const attempt = last.get(e.id);
                  return (
                    <tr key={e.id}>
                      <td className="max-w-md break-all">
                        <Link href={`/admin/webhooks/${e.id}`} className="font-medium text-brand-700 hover:underline">
                          {e.url}
                        </Link>
                        {e.description ? <span className="block text-slate-600">{e.description}</span> : null}
                      </td>
                      <td>
                        <ul>
                          {e.events.map((type) => (
                            <li key={type}>
                              <code className="text-xs">{type}</code>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>
                        <EndpointStatusBadge endpoint={e} />
                        {e.disabledReason ? <span className="mt-1 block text-xs text-slate-600">{e.disabledReason}</span> : null}
                      </td>
                      <td className="whitespace-nowrap">
                        {attempt ? (
                          <>
                            <LocalTime ms={attempt.at.getTime()} />{" "}
                            <span className="text-slate-600">({attempt.delivered ? "delivered" : "not delivered"})</span>
                          </>
                        ) : (
                          "None yet"
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </div>
  );
}

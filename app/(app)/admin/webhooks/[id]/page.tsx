import { LocalTime } from "@/components/ui/local-time";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Fact } from "@/components/ui/fact";
import { PageNav } from "@/components/ui/pagination";
import { requireRole } from "@/lib/auth/session";
import { flattenQuery, parseQuery } from "@/lib/query";
import { getWebhookEndpoint, listDeliveries, type WebhookDeliveryView } from "@/lib/webhooks";
import { EndpointControls, RedeliverButton } from "../endpoint-controls";
import { EndpointStatusBadge } from "../status-badge";
import { TableScroll } from "@/components/ui/table-scroll";

export const metadata: Metadata = { title: "Webhook endpoint" };

const pageQuery = z.object({ cursor: z.string().max(500).optional().catch(undefined) });

const STATUS: Record<WebhookDeliveryView["status"], { label: string; tone: BadgeTone }> = {
  pending: { label: "Waiting", tone: "gray" },
  retrying: { label: "Retrying", tone: "amber" },
  delivered: { label: "Delivered", tone: "green" },
  failed: { label: "Failed", tone: "red" },
};

const time = (date: Date) => <LocalTime ms={date.getTime()} />;

export default async function WebhookEndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole("admin");
  const { id } = await params;
  const endpoint = await getWebhookEndpoint(id);
  if (!endpoint) notFound();
  const { cursor } = parseQuery(pageQuery, flattenQuery(await searchParams));
  const { rows, next } = await listDeliveries(endpoint.id, { cursor });
  const base = `/admin/webhooks/${endpoint.id}`;
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/webhooks" className="text-sm font-medium text-brand-700 hover:underline">
          ← Webhooks
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight break-all text-slate-900">{endpoint.url}</h1>
        {endpoint.description ? <p className="mt-1 text-sm text-slate-600">{endpoint.description}</p> : null}
      </div>

      {endpoint.disabledAt ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 ring-1 ring-red-600/20 ring-inset">
          Disabled on <LocalTime ms={endpoint.disabledAt.getTime()} />: {endpoint.disabledReason ?? "by an administrator"}. It receives nothing until
          it is re-enabled; then use Redeliver below for the events it missed.
        </p>
      ) : null}

      <section aria-labelledby="endpoint-details" className="space-y-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="endpoint-details" className="text-base font-semibold text-slate-900">
          Details
        </h2>
        <dl className="grid gap-x-6 gap-y-3 sm:grid-cols-3">
          <Fact label="Status">
            <EndpointStatusBadge endpoint={endpoint} />
          </Fact>
          <Fact label="Added">
            <LocalTime ms={endpoint.createdAt.getTime()} />
          </Fact>
          <Fact label="Events">
            {endpoint.events.map((type) => (
              <code key={type} className="block text-xs">
                {type}
              </code>
            ))}
          </Fact>
        </dl>
        <EndpointControls endpointId={endpoint.id} url={endpoint.url} disabled={endpoint.disabledAt !== null} />
      </section>

      <section aria-labelledby="delivery-log" className="space-y-3">
        <div>
          <h2 id="delivery-log" className="text-base font-semibold text-slate-900">
            Delivery log
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Newest first; kept 30 days. Each event keeps its <code className="text-xs">webhook-id</code> across retries and redeliveries, so your
            receiver can ignore repeats. Times are in your time zone (UTC on hover).
          </p>
        </div>
        <TableScroll label="Deliveries to this endpoint">
          <table className="data-table min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Deliveries to this endpoint</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Response</th>
                <th scope="col">Attempts</th>
                <th scope="col">Latency (ms)</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 text-slate-700">
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={7} className="px-4 py-6 text-center text-slate-600">
                    {cursor ? "No older deliveries." : "No deliveries yet. Send a test event to try the endpoint."}
                  </td>
                </tr>
              ) : (
                rows.map((d) => (
                  <tr key={d.id}>
                    <td className="whitespace-nowrap">{time(d.createdAt)}</td>
                    <td>
                      <code className="text-xs">{d.eventType}</code>
                      <span className="block font-mono text-xs text-slate-500">{d.messageId}</span>
                    </td>
                    <td>
                      <Badge tone={STATUS[d.status].tone}>{STATUS[d.status].label}</Badge>
                      {d.nextAttemptAt && d.status === "retrying" ? (
                        <span className="mt-1 block text-xs whitespace-nowrap text-slate-600">next attempt {time(d.nextAttemptAt)}</span>
                      ) : null}
                    </td>
                    <td>
                      {d.lastStatusCode ?? "—"}
                      {d.lastError && d.status !== "delivered" ? (
                        <span className="block max-w-xs text-xs break-words text-slate-600">{d.lastError}</span>
                      ) : null}
                    </td>
                    <td>{d.attempts}</td>
                    <td>{d.lastLatencyMs ?? "—"}</td>
                    <td>
                      {(d.status === "delivered" || d.status === "failed") && !endpoint.disabledAt ? (
                        <RedeliverButton endpointId={endpoint.id} deliveryId={d.id} messageId={d.messageId} />
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </TableScroll>
        <PageNav
          previous={cursor ? base : null}
          next={next ? `${base}?cursor=${encodeURIComponent(next)}` : null}
          previousLabel="← Newest"
          nextLabel="Older →"
        />
      </section>
    </div>
  );
}

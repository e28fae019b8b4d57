import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { z } from "zod";
import { ConnectionCard } from "@/components/connections/connection-card";
import { OnceAlert } from "@/components/ui/once-alert";
import { ExorLiveRequest } from "@/components/connections/exorlive-request";
import { toCardRequest } from "@/lib/integrations/exorlive/card-request";
import { currentLinkRequest } from "@/lib/integrations/exorlive/link-requests";
import { getCurrentUser, requireRole } from "@/lib/auth/session";
import { linkFailureMessage, linkResultQuery } from "@/lib/linking/failures";
import { listConnectionCards } from "@/lib/connections/card";
import { getIntegration } from "@/lib/integrations/registry";
import { parseQuery } from "@/lib/query";
import { listOpenRequestsOfAthlete } from "@/lib/reconnect-requests/list-reconnect-requests";
import { MarkRequestOpened } from "@/components/reconnect-requests/mark-request-opened";
import { loginPathFor } from "@/lib/redirects";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Connections" };

/** `?request=<id>`: the link of a reconnect request's mail (the id is no secret; only its athlete can open it). */
const requestQuery = z.object({ request: z.string().max(100).optional().catch(undefined) });

export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const { request } = parseQuery(requestQuery, query);
  // Signed out, from a request's mail: sign in, then come back here (the login form keeps the #<service> anchor).
  if (request && !(await getCurrentUser())) redirect(loginPathFor(`/connections?request=${encodeURIComponent(request)}`, env.NEXTAUTH_URL));
  const user = await requireRole("athlete");
  const { linked, service: failedService, error: failure } = parseQuery(linkResultQuery, query);
  const [cards, requests, exorliveRequest] = await Promise.all([
    listConnectionCards(user.id),
    listOpenRequestsOfAthlete(user),
    currentLinkRequest(user, user.id),
  ]);
  const now = new Date();

  const connectedCount = cards.filter((c) => c.status === "connected" || c.status === "expiring" || c.status === "refresh_failing").length;
  // "Connected" only while that card really is (a later failure or disconnect must not sit under a success banner).
  const linkedCard = linked ? cards.find((c) => c.service === linked) : undefined;
  const linkedWorks = linkedCard?.status === "connected" || linkedCard?.status === "expiring" || linkedCard?.status === "missing_permissions";

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Connections</h1>
        <p className="mt-1 text-sm text-slate-600">
          Link your training services so your coach can see you are set up. You choose what each service shares, and you can disconnect at any time.{" "}
          <span className="font-medium text-slate-800">
            {connectedCount} of {cards.length} connected.
          </span>
        </p>
      </div>
      {request ? <MarkRequestOpened requestId={request} /> : null}
      {/* The link's result comes in the URL; OnceAlert shows it on arrival only, not again on Reload. */}
      {linked && linkedWorks ? (
        <OnceAlert id={`linked:${linked}`} tone="success">
          {getIntegration(linked).name} is connected.
        </OnceAlert>
      ) : null}
      {failure && failedService ? (
        <OnceAlert id={`error:${failedService}:${failure}`} tone="error">
          {linkFailureMessage(failure, getIntegration(failedService).name)}
        </OnceAlert>
      ) : null}
      <div className="grid grid-cols-1 gap-5 md:grid-cols-2">
        {cards.map((card) => (
          <ConnectionCard
            key={card.service}
            card={card}
            request={requests.get(card.service) ?? null}
            now={now}
            adminLink={
              card.flow === "server_to_server" ? <ExorLiveRequest athleteId={user.id} request={toCardRequest(exorliveRequest)} /> : undefined
            }
          />
        ))}
      </div>
    </div>
  );
}

import type { Metadata } from "next";
import { linkFailureMessage, linkResultQuery } from "@/lib/linking/failures";
import { getIntegration } from "@/lib/integrations/registry";
import { LinkComplete } from "./link-complete";
import { parseQuery } from "@/lib/query";

export const metadata: Metadata = { title: "Linking" };

/** Where a linking popup lands: it sends its opener to the connections page with the result, then closes. */
export default async function LinkCompletePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { linked, service, error: failure } = parseQuery(linkResultQuery, await searchParams);
  const query = linked ? `linked=${linked}` : failure && service ? `error=${failure}&service=${service}` : "";
  const message = linked
    ? `${getIntegration(linked).name} is connected. This window closes by itself.`
    : failure && service
      ? linkFailureMessage(failure, getIntegration(service).name)
      : "Linking finished.";
  return (
    <main className="flex min-h-screen items-center justify-center p-6 text-center">
      <div>
        <p className="text-lg font-semibold text-slate-900">TrainLink</p>
        <p className="mt-2 text-sm text-slate-700">{message}</p>
        <LinkComplete target={`/connections${query ? `?${query}` : ""}`} />
      </div>
    </main>
  );
}

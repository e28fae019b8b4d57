import type { Metadata } from "next";
import { asLinkFailureCode, linkFailureMessage } from "@/lib/linking/failures";
import { getIntegration, parseServiceId } from "@/lib/integrations/registry";
import { LinkComplete } from "./link-complete";

export const metadata: Metadata = { title: "Linking" };

/** Where a linking popup lands: it sends its opener to the connections page with the result, then closes. */
export default async function LinkCompletePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const linked = parseServiceId(params.linked);
  const service = parseServiceId(params.service);
  const failure = asLinkFailureCode(typeof params.error === "string" ? params.error : undefined);
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

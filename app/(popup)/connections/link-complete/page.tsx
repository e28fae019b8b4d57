import type { Metadata } from "next";
import { SERVICE_IDS, type ServiceId } from "@/db/schema";
import { asLinkFailureCode, linkFailureMessage } from "@/lib/connections/messages";
import { getIntegration } from "@/lib/integrations";
import { LinkComplete } from "./link-complete";

export const metadata: Metadata = { title: "Linking" };

function asService(value: unknown): ServiceId | null {
  return typeof value === "string" && (SERVICE_IDS as readonly string[]).includes(value) ? (value as ServiceId) : null;
}

/** Where a linking popup lands: it sends its opener to the connections page with the result, then closes. */
export default async function LinkCompletePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const linked = asService(params.linked);
  const service = asService(params.service);
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

import { LocalTime } from "@/components/ui/local-time";
import { Badge } from "@/components/ui/badge";
import type { WebhookEndpointView } from "@/lib/webhooks";

/** An endpoint's state in words: Active, Failing since …, or Disabled. */
export function EndpointStatusBadge({ endpoint }: { endpoint: Pick<WebhookEndpointView, "failingSince" | "disabledAt"> }) {
  if (endpoint.disabledAt) return <Badge tone="red">Disabled</Badge>;
  if (endpoint.failingSince)
    return (
      <Badge tone="amber">
        Failing since <LocalTime ms={endpoint.failingSince.getTime()} style="dayMinute" />
      </Badge>
    );
  return <Badge tone="green">Active</Badge>;
}

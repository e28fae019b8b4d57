import { Badge, type BadgeTone } from "@/components/ui/badge";
import { STATUS_LABELS, type ConnectionStatus } from "@/lib/connections/status";

const TONE: Record<ConnectionStatus, BadgeTone> = {
  connected: "green",
  expiring: "blue",
  refresh_failing: "amber",
  missing_permissions: "amber",
  needs_reauth: "red",
  revocation_pending: "amber",
  revoked_by_service: "red",
  not_connected: "gray",
  not_configured: "gray",
};

/** The connection status as a coloured badge whose text is the status label. */
export function StatusBadge({ status }: { status: ConnectionStatus }) {
  return (
    <Badge tone={TONE[status]} dot>
      {STATUS_LABELS[status]}
    </Badge>
  );
}

import type { ConnectionState, EventKind } from "@/db/schema";

/**
 * The connection state machine as data: every transition, the stored states it may start from ("none": no row
 * yet), the state it ends in ("same": unchanged) and the connection_events it writes. transitions.ts performs
 * them (and is the only writer of `accounts`); docs/connection-states.md is drawn from this table
 * (`stateDiagram`, checked by lib/connections/state-machine.test.ts).
 */
export const CONNECTION_TRANSITIONS = {
  linked: { from: ["none", "connected", "needs_reauth", "revoked_by_service", "disconnected"], to: "connected", events: ["linked", "relinked"] },
  refreshed: { from: ["connected"], to: "connected", events: ["refreshed"] },
  refreshFailed: { from: ["connected"], to: "connected", events: ["refresh_failed"] },
  needsReauth: { from: ["connected"], to: "needs_reauth", events: ["refresh_failed", "needs_reauth"] },
  revocationPending: { from: ["connected", "needs_reauth", "revocation_pending"], to: "revocation_pending", events: ["revocation_pending"] },
  revocationRetryFailed: { from: ["revocation_pending"], to: "revocation_pending", events: ["revocation_failed"] },
  disconnected: { from: ["connected", "needs_reauth", "revocation_pending"], to: "disconnected", events: ["disconnected"] },
  revocationRefused: {
    from: ["connected", "needs_reauth", "revocation_pending"],
    to: "disconnected",
    events: ["revocation_refused", "disconnected"],
  },
  revokedByService: { from: ["connected", "needs_reauth", "revocation_pending"], to: "revoked_by_service", events: ["deregistered_by_service"] },
  planChanged: { from: ["connected", "needs_reauth", "revocation_pending", "revoked_by_service"], to: "same", events: ["plan_changed"] },
} as const satisfies Record<string, { from: readonly (ConnectionState | "none")[]; to: ConnectionState | "same"; events: readonly EventKind[] }>;

export type TransitionName = keyof typeof CONNECTION_TRANSITIONS;

/** States in which the athlete still has a connection here (tokens held, or a revocation still owed). */
export const LIVE_STATES = ["connected", "needs_reauth", "revocation_pending"] as const satisfies readonly ConnectionState[];

/** True for a state in LIVE_STATES. */
export function isLiveState(state: ConnectionState): state is (typeof LIVE_STATES)[number] {
  return (LIVE_STATES as readonly ConnectionState[]).includes(state);
}

/** The transition table as a Mermaid `stateDiagram-v2` (one edge per start state and transition, sorted). */
export function stateDiagram(): string {
  const lines = new Set<string>();
  for (const [name, t] of Object.entries(CONNECTION_TRANSITIONS)) {
    for (const from of t.from) {
      const to = t.to === "same" ? from : t.to;
      lines.add(`  ${from === "none" ? "[*]" : from} --> ${to}: ${name}`);
    }
  }
  return ["stateDiagram-v2", ...[...lines].sort()].join("\n");
}

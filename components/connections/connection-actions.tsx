"use client";

import { signIn } from "next-auth/react";
import { useActionState, useState, type ReactNode } from "react";
import { disconnectAction, refreshAction } from "@/lib/connections/actions";
import { startCallbackLinkAction } from "@/lib/integrations/fitrankings/actions";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent, DialogRoot, DialogTrigger } from "@/components/ui/dialog";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { ServiceId } from "@/db/schema";
import type { ConnectionStatus } from "@/lib/connections/status";
import { refreshDescription } from "@/lib/messages/connections";

type Flow = "authorization_code" | "token_in_callback" | "server_to_server";

/**
 * The buttons of one card: Connect (or Reconnect), Grant missing permissions (the same link flow again, asking
 * for every requested scope), Refresh, Disconnect with a confirmation dialog; the outcome of the last action is
 * shown under them. Buttons stay disabled until hydration so no click is lost.
 */
export function ConnectionActions({
  service,
  name,
  flow,
  status,
  canConnect,
  canRefresh,
  canGrantMissing = false,
  disconnectText,
  adminLink,
}: {
  service: ServiceId;
  name: string;
  flow: Flow;
  status: ConnectionStatus;
  canConnect: boolean;
  canRefresh: boolean;
  /** The connection lacks required scopes and the athlete can run the consent again. */
  canGrantMissing?: boolean;
  /** The Disconnect dialog's text for this service (lib/messages disconnectDialogText). */
  disconnectText: string;
  /** For a service an administrator links (ExorLive): what replaces Connect, e.g. ExorLiveRequest (no dead button). */
  adminLink?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  // The dialog closes when the answer arrives (inside the action, not in an effect: no extra render).
  const [disconnectState, disconnect, disconnecting] = useActionState(async (previous: Parameters<typeof disconnectAction>[0], form: FormData) => {
    const result = await disconnectAction(previous, form);
    setOpen(false);
    return result;
  }, null);
  const [refreshState, refresh, refreshing] = useActionState(refreshAction, null);
  const [connecting, setConnecting] = useState(false);
  const [connectError, setConnectError] = useState<string | null>(null);
  const hydrated = useHydrated();

  const linked =
    status === "connected" ||
    status === "expiring" ||
    status === "refresh_failing" ||
    status === "missing_permissions" ||
    status === "needs_reauth" ||
    status === "revocation_pending";
  const offerConnect = !linked || status === "needs_reauth";
  // Linking again asks for every requested scope; the consent page is where the athlete grants them.
  const offerGrant = canGrantMissing && (status === "missing_permissions" || status === "refresh_failing");

  async function connect() {
    setConnecting(true);
    setConnectError(null);
    try {
      if (flow === "token_in_callback") await connectThroughPopup();
      else await signIn(service, { callbackUrl: "/connections" });
    } catch {
      setConnectError(`Could not start linking ${name}. Check your connection and try again.`);
      setConnecting(false);
    }
  }

  /**
   * The service's doc recommends a 400×600 popup. It is opened synchronously in the click (so blockers allow
   * it), then pointed at the authorization URL; its completion page sends this window to the result. When
   * the browser blocks popups, the whole page goes instead.
   */
  async function connectThroughPopup() {
    const popup = window.open("", `${service}-link`, "popup,width=400,height=600");
    const form = new FormData();
    form.set("service", service);
    form.set("mode", popup ? "popup" : "page");
    const result = await startCallbackLinkAction(null, form);
    if ("error" in result) {
      popup?.close();
      setConnectError(result.error);
      setConnecting(false);
      return;
    }
    if (!popup) {
      window.location.assign(result.url);
      return;
    }
    popup.location.href = result.url;
    const timer = window.setInterval(() => {
      if (!popup.closed) return;
      window.clearInterval(timer);
      setConnecting(false);
    }, 500);
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        {offerConnect && flow === "server_to_server" ? (
          adminLink
        ) : offerConnect ? (
          <Button
            onClick={connect}
            disabled={!canConnect || connecting || !hydrated}
            aria-describedby={connecting ? `${service}-connecting` : undefined}
          >
            {status === "needs_reauth" ? "Reconnect" : "Connect"}
          </Button>
        ) : null}
        {offerGrant ? (
          <Button onClick={connect} disabled={connecting || !hydrated} aria-describedby={connecting ? `${service}-connecting` : undefined}>
            Grant missing permissions
          </Button>
        ) : null}
        {canRefresh ? (
          <form action={refresh}>
            <input type="hidden" name="service" value={service} />
            <Button type="submit" variant="secondary" disabled={refreshing || !hydrated} aria-describedby={`${service}-refresh-help`}>
              {refreshing ? "Refreshing…" : "Refresh"}
            </Button>
          </form>
        ) : null}
        {linked ? (
          <DialogRoot open={open} onOpenChange={setOpen}>
            <DialogTrigger asChild>
              <Button variant="secondary" disabled={disconnecting || !hydrated}>
                {disconnecting ? "Disconnecting…" : "Disconnect"}
              </Button>
            </DialogTrigger>
            <DialogContent title={`Disconnect ${name}?`} description={<p>{disconnectText}</p>}>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <form action={disconnect}>
                <input type="hidden" name="service" value={service} />
                <Button type="submit" variant="danger" disabled={disconnecting}>
                  Disconnect
                </Button>
              </form>
            </DialogContent>
          </DialogRoot>
        ) : null}
        {connecting ? (
          <span id={`${service}-connecting`} className="text-sm text-slate-600">
            Opening {name}…
          </span>
        ) : null}
      </div>
      {canRefresh ? (
        <p id={`${service}-refresh-help`} className="text-xs text-slate-600">
          {refreshDescription(name)}
        </p>
      ) : null}
      {connectError ? <Alert tone="error">{connectError}</Alert> : null}
      <ActionOutcome state={refreshState} />
      <ActionOutcome state={disconnectState} />
    </div>
  );
}

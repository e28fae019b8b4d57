"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { deleteEndpointAction, enableEndpointAction, redeliverAction, sendTestEventAction } from "./actions";

type Result = { ok: string } | { error: string } | null;

/** A one-click button submitting `action` with `fields`, its outcome below it. */
function ActionButton({
  label,
  pendingLabel,
  action,
  fields,
  variant = "secondary",
  context,
}: {
  label: string;
  /** Words appended for screen readers only, so that buttons repeated per row have distinct names. */
  context?: string;
  pendingLabel: string;
  action: (previous: Result, form: FormData) => Promise<{ ok: string } | { error: string }>;
  fields: Record<string, string>;
  variant?: ButtonVariant;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const hydrated = useHydrated();
  return (
    <form action={submit} className="space-y-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="submit" variant={variant} disabled={pending || !hydrated}>
        {pending ? pendingLabel : label}
        {context ? <span className="sr-only"> {context}</span> : null}
      </Button>
      <ActionOutcome state={state} />
    </form>
  );
}

/** The endpoint page's actions: Send test event (enabled endpoints), Re-enable (disabled ones), Delete (confirmed). */
export function EndpointControls({ endpointId, url, disabled }: { endpointId: string; url: string; disabled: boolean }) {
  const router = useRouter();
  // Once deleted, this page has nothing left to show: back to the list.
  const deleteAndLeave = async (previous: Result, form: FormData) => {
    const result = await deleteEndpointAction(previous, form);
    if ("ok" in result) router.push("/admin/webhooks");
    return result;
  };
  return (
    <div className="flex flex-wrap items-start gap-3">
      {disabled ? (
        <ActionButton label="Re-enable" pendingLabel="Re-enabling…" action={enableEndpointAction} fields={{ endpointId }} variant="primary" />
      ) : (
        <ActionButton label="Send test event" pendingLabel="Sending…" action={sendTestEventAction} fields={{ endpointId }} />
      )}
      <ConfirmAction
        label="Delete endpoint"
        title="Delete this webhook endpoint?"
        description={`${url} will receive no more webhooks, and its delivery log is deleted with it. This cannot be undone.`}
        confirmLabel="Delete endpoint"
        action={deleteAndLeave}
        fields={{ endpointId }}
      />
    </div>
  );
}

/** The Redeliver button of one delivery log row. */
export function RedeliverButton({ endpointId, deliveryId, messageId }: { endpointId: string; deliveryId: string; messageId: string }) {
  return <ActionButton label="Redeliver" pendingLabel="Queuing…" action={redeliverAction} fields={{ endpointId, deliveryId }} context={messageId} />;
}

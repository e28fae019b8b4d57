import { Alert } from "./alert";

/** The outcome of a server action (authedAction's `{ ok } | { error }`), or nothing before the first submit. */
export function ActionOutcome({ state }: { state: { ok: string; note?: string } | { error: string } | null }) {
  if (!state) return null;
  if ("error" in state) return <Alert tone="error">{state.error}</Alert>;
  return (
    <Alert tone="success">
      {state.ok}
      {state.note ? <span className="mt-1 block">{state.note}</span> : null}
    </Alert>
  );
}

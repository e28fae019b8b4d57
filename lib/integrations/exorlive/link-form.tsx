"use client";

import { useActionState, useId, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { submitKeepingInput } from "@/components/ui/keep-input";
import { DialogClose, DialogContent, DialogRoot } from "@/components/ui/dialog";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { UserCombobox, type UserOption } from "@/components/ui/user-combobox";
import { useHydrated } from "@/components/ui/use-hydrated";
import { linkExorLiveAction, previewExorLiveLinkAction, searchAthletesAction } from "@/lib/integrations/exorlive/actions";
import type { AthleteSuggestion } from "@/lib/integrations/exorlive/athlete-search";

/** Up to 10 active athletes by name or email, from the admin-only server action; throws when it refuses. */
async function searchAthletes(q: string): Promise<UserOption[]> {
  const form = new FormData();
  form.set("q", q);
  const result = await searchAthletesAction(null, form);
  if (!("athletes" in result)) throw new Error("athlete search refused");
  return result.athletes;
}

/**
 * The athlete picker: the shared UserCombobox (ARIA combobox, debounced search, arrows, Enter, Escape) fed by the
 * athlete search action. Picking fills "Name (email)"; a full email typed without picking also works (the server
 * resolves it).
 */
function AthleteCombobox({
  query,
  onQuery,
  selected,
  onSelect,
}: {
  query: string;
  onQuery: (q: string) => void;
  selected: AthleteSuggestion | null;
  onSelect: (athlete: AthleteSuggestion) => void;
}) {
  const base = useId();
  return (
    <div>
      <label htmlFor={`${base}-input`} className={LABEL_CLASS}>
        Athlete (name or email)
      </label>
      <UserCombobox
        id={`${base}-input`}
        name="athleteQuery"
        search={searchAthletes}
        value={query}
        onValueChange={onQuery}
        onPick={onSelect}
        pickText={(athlete) => `${athlete.name} (${athlete.email})`}
        describedBy={`${base}-hint`}
        listLabel="Matching athletes"
        noMatch={(typed) => `No active athlete matches "${typed}".`}
        required
        maxLength={320}
      />
      <p id={`${base}-hint`} className="mt-1 text-xs text-slate-600">
        {selected ? `Picked: ${selected.name} (${selected.email})` : "Type part of a name or email, then pick the athlete."}
      </p>
    </div>
  );
}

/**
 * The admin's ExorLive link form: the athlete (search-as-you-type, or a full email; `email` pre-fills it from the
 * athlete's admin page) and their ExorLive user ID. Link ExorLive first checks both on the server and asks "Link
 * ExorLive user <id> to <name> (<email>)?"; only Confirm links. Typed values stay after any error (the fields are
 * controlled and the form is never reset by an action); they clear after a successful link.
 */
export function ExorLiveLinkForm({ configured, email }: { configured: boolean; email?: string }) {
  const hydrated = useHydrated();
  const [query, setQuery] = useState(email ?? "");
  const [selected, setSelected] = useState<AthleteSuggestion | null>(null);
  const [userId, setUserId] = useState("");
  // The preview the Confirm dialog shows, set from the check's own answer (never the previous one still in `preview`).
  const [ready, setReady] = useState<Extract<Awaited<ReturnType<typeof previewExorLiveLinkAction>>, { athlete: unknown }> | null>(null);
  const [preview, check, checking] = useActionState(async (previous: Parameters<typeof previewExorLiveLinkAction>[0], form: FormData) => {
    const result = await previewExorLiveLinkAction(previous, form);
    if ("athlete" in result) setReady(result);
    return result;
  }, null);
  const [linkState, link, linking] = useActionState(async (previous: Parameters<typeof linkExorLiveAction>[0], form: FormData) => {
    const result = await linkExorLiveAction(previous, form);
    setReady(null);
    if ("ok" in result) {
      setQuery("");
      setSelected(null);
      setUserId("");
    }
    return result;
  }, null);
  // The newest answer shows: a failed check, or the link's outcome.
  const [shown, setShown] = useState<"preview" | "link">("preview");

  return (
    <div className="space-y-4">
      <form
        className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start"
        onSubmit={submitKeepingInput((form) => {
          setShown("preview");
          check(form);
        })}
      >
        <input type="hidden" name="athleteId" value={selected?.id ?? ""} />
        <AthleteCombobox
          query={query}
          onQuery={(q) => {
            setQuery(q);
            if (selected && q !== `${selected.name} (${selected.email})`) setSelected(null);
          }}
          selected={selected}
          onSelect={(athlete) => {
            setSelected(athlete);
            setQuery(`${athlete.name} (${athlete.email})`);
          }}
        />
        <div>
          <label htmlFor="exorliveUserId" className={LABEL_CLASS}>
            ExorLive user ID
          </label>
          <input
            id="exorliveUserId"
            name="exorliveUserId"
            inputMode="numeric"
            required
            autoComplete="off"
            maxLength={18}
            value={userId}
            onChange={(event) => setUserId(event.target.value)}
            className={FIELD_CLASS}
          />
        </div>
        <Button type="submit" className="sm:mt-6" disabled={!configured || checking || linking || !hydrated}>
          {checking ? "Checking…" : "Link ExorLive"}
        </Button>
      </form>
      {!configured ? <Alert tone="info">ExorLive is not configured on this server: set its client id, secret and requester URL.</Alert> : null}
      {shown === "preview" && preview && "error" in preview ? <Alert tone="error">{preview.error}</Alert> : null}
      {shown === "link" ? <ActionOutcome state={linkState} /> : null}
      <DialogRoot open={ready !== null} onOpenChange={(open) => (open ? null : setReady(null))}>
        {ready ? (
          <DialogContent
            title="Link ExorLive?"
            description={
              <p>
                Link ExorLive user <span className="font-mono">{ready.exorliveUserId}</span> to {ready.athlete.name} ({ready.athlete.email})?
                TrainLink asks ExorLive for a token for that user; the athlete then sees ExorLive connected.
              </p>
            }
          >
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <form
              onSubmit={submitKeepingInput((form) => {
                setShown("link");
                link(form);
              })}
            >
              <input type="hidden" name="athleteId" value={ready.athlete.id} />
              <input type="hidden" name="exorliveUserId" value={ready.exorliveUserId} />
              <Button type="submit" disabled={linking}>
                {linking ? "Linking…" : "Confirm"}
              </Button>
            </form>
          </DialogContent>
        ) : null}
      </DialogRoot>
    </div>
  );
}

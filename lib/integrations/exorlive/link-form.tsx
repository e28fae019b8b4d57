"use client";

import { startTransition, useActionState, useEffect, useId, useRef, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent, DialogRoot } from "@/components/ui/dialog";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import { linkExorLiveAction, previewExorLiveLinkAction, searchAthletesAction } from "@/lib/integrations/exorlive/actions";
import type { AthleteSuggestion } from "@/lib/integrations/exorlive/athlete-search";

/** How long typing must pause before the suggestions are fetched, in milliseconds. */
const DEBOUNCE_MS = 200;

/**
 * The athlete picker: an ARIA combobox (input role=combobox, aria-expanded, aria-controls its listbox,
 * aria-activedescendant on the highlighted option). Typing fetches up to 10 active athletes by name or email
 * (an admin-only server action, debounced); ArrowDown/ArrowUp move, Enter picks, Escape closes. A full email
 * typed without picking also works (the server resolves it).
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
  const listId = `${base}-athletes`;
  const [options, setOptions] = useState<AthleteSuggestion[]>([]);
  const [expanded, setExpanded] = useState(false);
  const [active, setActive] = useState(-1);
  const [searched, setSearched] = useState<string | null>(null);
  const latest = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  function search(q: string) {
    window.clearTimeout(timer.current);
    const text = q.trim();
    if (!text) {
      latest.current++;
      setOptions([]);
      setExpanded(false);
      setSearched(null);
      return;
    }
    timer.current = window.setTimeout(() => void fetchSuggestions(text), DEBOUNCE_MS);
  }

  /** Fetches the suggestions for `text`; an older answer arriving after a newer one is dropped. */
  async function fetchSuggestions(text: string) {
    const ticket = ++latest.current;
    const form = new FormData();
    form.set("q", text);
    const result = await searchAthletesAction(null, form);
    if (ticket !== latest.current) return;
    const found = "athletes" in result ? result.athletes : [];
    setOptions(found);
    setActive(found.length > 0 ? 0 : -1);
    setSearched(text);
    // An answer arriving after the admin moved on (to the ExorLive user ID) does not reopen the list over it.
    setExpanded(document.activeElement === input.current);
  }

  function pick(athlete: AthleteSuggestion) {
    onSelect(athlete);
    setExpanded(false);
    setActive(-1);
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!expanded && options.length > 0) setExpanded(true);
      setActive((i) => (options.length === 0 ? -1 : (i + 1) % options.length));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((i) => (options.length === 0 ? -1 : (i - 1 + options.length) % options.length));
    } else if (event.key === "Enter" && expanded && active >= 0 && options[active]) {
      // Enter picks the highlighted athlete instead of submitting the form.
      event.preventDefault();
      pick(options[active]);
    } else if (event.key === "Escape" && expanded) {
      event.preventDefault();
      setExpanded(false);
    }
  }

  const showList = expanded && options.length > 0;
  return (
    <div className="relative">
      <label htmlFor={`${base}-input`} className={LABEL_CLASS}>
        Athlete (name or email)
      </label>
      <input
        ref={input}
        id={`${base}-input`}
        name="athleteQuery"
        type="text"
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
        aria-describedby={`${base}-hint`}
        autoComplete="off"
        maxLength={320}
        required
        value={query}
        onChange={(event) => {
          onQuery(event.target.value);
          search(event.target.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => window.setTimeout(() => setExpanded(false), 150)}
        className={FIELD_CLASS}
      />
      <p id={`${base}-hint`} className="mt-1 text-xs text-slate-600">
        {selected ? `Picked: ${selected.name} (${selected.email})` : "Type part of a name or email, then pick the athlete."}
      </p>
      <ul
        id={listId}
        role="listbox"
        aria-label="Matching athletes"
        hidden={!showList}
        className="absolute z-10 mt-1 max-h-72 w-full overflow-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200"
      >
        {options.map((athlete, i) => (
          <li
            key={athlete.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            // mousedown, not click: the input's blur would close the list first.
            onMouseDown={(event) => {
              event.preventDefault();
              pick(athlete);
            }}
            onMouseEnter={() => setActive(i)}
            className={`cursor-pointer px-3 py-2 ${i === active ? "bg-brand-50 text-brand-900" : "text-slate-800"}`}
          >
            <span className="font-medium">{athlete.name}</span> <span className="break-all text-slate-600">{athlete.email}</span>
          </li>
        ))}
      </ul>
      {expanded && searched !== null && options.length === 0 ? (
        <p role="status" className="mt-1 text-xs text-slate-600">
          No active athlete matches &quot;{searched}&quot;.
        </p>
      ) : null}
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
  const [confirming, setConfirming] = useState(false);
  const [preview, check, checking] = useActionState(async (previous: Parameters<typeof previewExorLiveLinkAction>[0], form: FormData) => {
    const result = await previewExorLiveLinkAction(previous, form);
    if ("athlete" in result) setConfirming(true);
    return result;
  }, null);
  const [linkState, link, linking] = useActionState(async (previous: Parameters<typeof linkExorLiveAction>[0], form: FormData) => {
    const result = await linkExorLiveAction(previous, form);
    setConfirming(false);
    if ("ok" in result) {
      setQuery("");
      setSelected(null);
      setUserId("");
    }
    return result;
  }, null);
  const ready = preview && "athlete" in preview ? preview : null;
  // The newest answer shows: a failed check, or the link's outcome.
  const [shown, setShown] = useState<"preview" | "link">("preview");

  return (
    <div className="space-y-4">
      <form
        className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          setShown("preview");
          startTransition(() => check(form));
        }}
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
      <DialogRoot open={confirming && ready !== null} onOpenChange={setConfirming}>
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
              onSubmit={(event) => {
                event.preventDefault();
                const form = new FormData(event.currentTarget);
                setShown("link");
                startTransition(() => link(form));
              }}
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

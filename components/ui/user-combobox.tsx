"use client";

import { useEffect, useId, useRef, useState } from "react";
import { FIELD_CLASS } from "./form-fields";

/** One suggestion as a user search answers it (`{ users: UserOption[] }`); `role` is shown when given. */
export interface UserOption {
  id: string;
  name: string;
  email: string;
  role?: string;
}

/** How long typing must pause before a search is sent, in milliseconds. */
const DEBOUNCE_MS = 200;

/** GETs `url?q=<text>` (an admin-only route answering `{ users: UserOption[] }`); throws on a non-2xx answer. */
async function searchByUrl(url: string, q: string, signal: AbortSignal): Promise<UserOption[]> {
  const response = await fetch(`${url}?${new URLSearchParams({ q })}`, { signal, headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return ((await response.json()) as { users?: UserOption[] }).users ?? [];
}

/**
 * A text field that suggests users as one types (the WAI-ARIA combobox pattern: role=combobox with a listbox
 * popup, ↓/↑ move through the suggestions, Enter picks, Escape closes). After a 200 ms pause it asks `search`
 * (a function, e.g. a server action, resolving to at most 10 users; it may throw) or GETs `searchUrl?q=<text>`
 * (for server components, which cannot pass functions). An answer older than the latest typing is dropped, and
 * one arriving after focus moved on does not reopen the list. Picking puts `pickText(user)` (default: the email)
 * in the field and calls `onPick`. Free text stays allowed. Uncontrolled (`defaultValue`) or controlled (`value`
 * with `onValueChange`). `describedBy` points at a hint; `listLabel` names the listbox; `noMatch` words the
 * "nothing found" line.
 */
export function UserCombobox({
  id,
  name,
  searchUrl,
  search,
  defaultValue = "",
  value: controlled,
  onValueChange,
  onPick,
  pickText = (user) => user.email,
  placeholder,
  describedBy,
  listLabel = "Suggestions",
  noMatch = (typed) => `No user matches “${typed}”.`,
  required,
  maxLength,
}: {
  id: string;
  name: string;
  searchUrl?: string;
  search?: (q: string) => Promise<UserOption[]>;
  defaultValue?: string;
  value?: string;
  onValueChange?: (value: string) => void;
  onPick?: (user: UserOption) => void;
  pickText?: (user: UserOption) => string;
  placeholder?: string;
  describedBy?: string;
  listLabel?: string;
  noMatch?: (typed: string) => string;
  required?: boolean;
  maxLength?: number;
}) {
  const [uncontrolled, setUncontrolled] = useState(defaultValue);
  const value = controlled ?? uncontrolled;
  const [options, setOptions] = useState<UserOption[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [searched, setSearched] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const typed = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  // The latest search function, read when the timer fires (a new function each render must not restart it).
  const lookup = useRef(search);
  useEffect(() => {
    lookup.current = search;
  });
  const listId = useId();
  const statusId = useId();
  const optionId = (i: number) => `${listId}-option-${i}`;

  function setValue(next: string) {
    if (controlled === undefined) setUncontrolled(next);
    onValueChange?.(next);
  }

  useEffect(() => {
    const q = value.trim();
    if (!typed.current || q.length === 0) return;
    const controller = new AbortController();
    const run = async () => {
      let found: UserOption[] = [];
      let error = false;
      try {
        found = lookup.current ? await lookup.current(q) : searchUrl ? await searchByUrl(searchUrl, q, controller.signal) : [];
      } catch {
        error = true;
      }
      if (controller.signal.aborted) return;
      setOptions(found);
      setFailed(error);
      setSearched(q);
      setActive(-1);
      setOpen(document.activeElement === input.current);
    };
    const timer = setTimeout(() => void run(), DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [value, searchUrl]);

  function pick(option: UserOption) {
    typed.current = false;
    setValue(pickText(option));
    onPick?.(option);
    setOpen(false);
    setActive(-1);
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (options.length === 0) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setOpen(true);
      setActive((now) => (now + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      const option = open ? options[active] : undefined;
      if (option) {
        event.preventDefault(); // picks the suggestion; a second Enter submits the form
        pick(option);
      }
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(false);
      setActive(-1);
    }
  }

  const showList = open && options.length > 0;
  const status =
    searched === null || !open
      ? ""
      : failed
        ? "Suggestions could not be loaded; you can still type a full email."
        : options.length === 0
          ? noMatch(searched)
          : `${options.length} ${options.length === 1 ? "user matches" : "users match"}; use the up and down arrows to choose.`;

  return (
    <div className="relative">
      <input
        ref={input}
        id={id}
        name={name}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && active >= 0 ? optionId(active) : undefined}
        aria-describedby={[describedBy, statusId].filter(Boolean).join(" ")}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        required={required}
        maxLength={maxLength}
        value={value}
        onChange={(e) => {
          typed.current = true;
          setValue(e.target.value);
          if (!e.target.value.trim()) setOpen(false);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
        className={FIELD_CLASS}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={listLabel}
        hidden={!showList}
        className="absolute z-10 mt-1 max-h-64 w-full min-w-64 overflow-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200"
      >
        {options.map((option, i) => (
          <li
            key={option.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            // mousedown, not click: the input's blur would close the list before a click lands.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(option);
            }}
            onMouseEnter={() => setActive(i)}
            className={`cursor-pointer px-3 py-2 ${i === active ? "bg-brand-50 text-brand-900" : "text-slate-800"}`}
          >
            <span className="block font-medium">{option.name}</span>
            <span className="block text-xs break-all text-slate-600">
              {option.email}
              {option.role ? ` · ${option.role}` : ""}
            </span>
          </li>
        ))}
      </ul>
      {/* The count is for screen readers (the list shows it); "no match" and failures are for everyone. */}
      <p id={statusId} role="status" className={open && (failed || options.length === 0) ? "mt-1 text-xs text-slate-600" : "sr-only"}>
        {status}
      </p>
    </div>
  );
}

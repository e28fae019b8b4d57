"use client";

import { useEffect, useId, useRef, useState } from "react";
import { FIELD_CLASS } from "./form-fields";

/** One suggestion as a user search answers it (`{ users: UserOption[] }`). */
export interface UserOption {
  id: string;
  name: string;
  email: string;
  role: string;
}

/** How long typing must pause before a search is sent, in milliseconds. */
const DEBOUNCE_MS = 200;

/**
 * A text field that suggests users as one types (the WAI-ARIA combobox pattern: role=combobox with a listbox
 * popup, ↓/↑ move through the suggestions, Enter picks, Escape closes). After a 200 ms pause it GETs
 * `searchUrl?q=<text>` (an admin-only route answering `{ users: UserOption[] }`, at most 10); picking a user puts
 * their email in the field, so a plain GET form submits it as `name`. Free text stays allowed: the page resolves
 * a partial name itself. `describedBy` points at the hint under the field.
 */
export function UserCombobox({
  id,
  name,
  searchUrl,
  defaultValue = "",
  placeholder,
  describedBy,
}: {
  id: string;
  name: string;
  searchUrl: string;
  defaultValue?: string;
  placeholder?: string;
  describedBy?: string;
}) {
  const [value, setValue] = useState(defaultValue);
  const [options, setOptions] = useState<UserOption[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [searched, setSearched] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const typed = useRef(false);
  const listId = useId();
  const statusId = useId();
  const optionId = (i: number) => `${listId}-option-${i}`;

  useEffect(() => {
    const q = value.trim();
    if (!typed.current || q.length === 0) return;
    const controller = new AbortController();
    const search = async () => {
      try {
        const response = await fetch(`${searchUrl}?${new URLSearchParams({ q })}`, {
          signal: controller.signal,
          headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = (await response.json()) as { users?: UserOption[] };
        setOptions(body.users ?? []);
        setFailed(false);
      } catch {
        if (controller.signal.aborted) return;
        setOptions([]);
        setFailed(true);
      }
      setSearched(q);
      setActive(-1);
      setOpen(true);
    };
    const timer = setTimeout(() => void search(), DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [value, searchUrl]);

  function pick(option: UserOption) {
    typed.current = false;
    setValue(option.email);
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
          ? `No user matches “${searched}”.`
          : `${options.length} ${options.length === 1 ? "user matches" : "users match"}; use the up and down arrows to choose.`;

  return (
    <div className="relative">
      <input
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
        aria-label="Suggestions"
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
            className={`cursor-pointer px-3 py-2 ${i === active ? "bg-brand-50 text-brand-900" : "text-slate-800"}`}
          >
            <span className="block font-medium">{option.name}</span>
            <span className="block text-xs text-slate-600">
              {option.email} · {option.role}
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

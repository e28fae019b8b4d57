"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { currentNavHref, type NavItem } from "@/lib/navigation";

const FOCUS = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600";

/**
 * The role's navigation; the current section is marked with aria-current="page". With `collapse`, below Tailwind's
 * `md` (768 px) the links hide behind a Menu button (CSS picks which shows, so the server's HTML is right at
 * once); the button opens them in a Radix dialog: aria-expanded on the button, focus inside while open, Escape
 * or Close shuts it and focus returns to the button; following a link shuts it too.
 */
export function MainNav({ items, collapse = false }: { items: NavItem[]; collapse?: boolean }) {
  const current = currentNavHref(items, usePathname());
  if (!collapse) return <InlineNav items={items} current={current} />;
  return (
    <>
      <InlineNav items={items} current={current} className="hidden md:block" />
      <NavMenu items={items} current={current} />
    </>
  );
}

function InlineNav({ items, current, className }: { items: NavItem[]; current: string | undefined; className?: string }) {
  return (
    <nav aria-label="Main" className={className}>
      <ul className="flex flex-wrap gap-4 text-sm font-medium">
        {items.map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={item.href === current ? "page" : undefined}
              className={item.href === current ? "text-brand-700 underline decoration-2 underline-offset-8" : "text-slate-700 hover:text-brand-700"}
            >
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function NavMenu({ items, current }: { items: NavItem[]; current: string | undefined }) {
  const [open, setOpen] = useState(false);
  const hydrated = useHydrated();
  return (
    <RadixDialog.Root open={open} onOpenChange={setOpen}>
      <RadixDialog.Trigger asChild>
        <Button variant="secondary" className="md:hidden" disabled={!hydrated}>
          <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4 fill-none stroke-current" strokeWidth={1.5}>
            <path d="M2.5 4h11M2.5 8h11M2.5 12h11" />
          </svg>
          Menu
        </Button>
      </RadixDialog.Trigger>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 bg-slate-900/40" />
        <RadixDialog.Content
          aria-describedby={undefined}
          className="fixed inset-x-0 top-0 max-h-dvh overflow-y-auto rounded-b-xl bg-white p-4 shadow-xl focus:outline-none"
        >
          <div className="flex items-center justify-between gap-4">
            <RadixDialog.Title className="text-lg font-semibold text-slate-900">Menu</RadixDialog.Title>
            <RadixDialog.Close asChild>
              <Button variant="secondary">Close</Button>
            </RadixDialog.Close>
          </div>
          <nav aria-label="Main" className="mt-3">
            <ul className="divide-y divide-slate-100 text-base font-medium">
              {items.map((item) => (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={item.href === current ? "page" : undefined}
                    onClick={() => setOpen(false)}
                    className={`block rounded-md px-2 py-3 ${FOCUS} ${item.href === current ? "text-brand-700 underline decoration-2 underline-offset-4" : "text-slate-800 hover:text-brand-700"}`}
                  >
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

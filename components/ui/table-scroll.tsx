/**
 * The box of a table that can be wider than a phone: only the table scrolls sideways, never the page. Below `md`
 * (768 px) a line above it says so, and CSS edge shadows (`.scroll-shadows`) show on which side more columns
 * are. The scrolling box is a named, focusable region, so keyboard users can scroll it too (axe's
 * scrollable-region-focusable). `bare` leaves out the card look, for a table already inside a card.
 */
export function TableScroll({ label, bare = false, children }: { label: string; bare?: boolean; children: React.ReactNode }) {
  return (
    <div className={bare ? "" : "rounded-xl bg-white shadow-sm ring-1 ring-slate-200"}>
      <p className="px-4 pt-2 text-xs text-slate-500 md:hidden">Scroll sideways to see every column.</p>
      <div
        role="region"
        aria-label={label}
        tabIndex={0}
        className="scroll-shadows relative overflow-x-auto rounded-xl focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        {children}
      </div>
    </div>
  );
}

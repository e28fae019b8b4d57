import Link from "next/link";

const LINK =
  "rounded-md px-3 py-1.5 font-medium text-brand-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600";
const DISABLED = "rounded-md px-3 py-1.5 text-slate-400 ring-1 ring-inset ring-slate-200";

/**
 * Previous / Next links around an optional `position` ("Page 2 of 5"), for any list: page numbers or cursors.
 * A null href shows its label greyed out (`aria-disabled`), so the layout does not jump at the ends.
 */
export function PageNav({
  previous,
  next,
  position,
  previousLabel = "← Previous",
  nextLabel = "Next →",
  first,
  last,
}: {
  previous: string | null;
  next: string | null;
  position?: string;
  previousLabel?: string;
  nextLabel?: string;
  /** Optional links to the first and last page, shown beside Previous and Next (null: greyed out). */
  first?: string | null;
  last?: string | null;
}) {
  if (!previous && !next) return null;
  const end = (href: string | null, label: string, rel: "prev" | "next") =>
    href ? (
      <Link href={href} rel={rel} className={LINK}>
        {label}
      </Link>
    ) : (
      <span aria-disabled="true" className={DISABLED}>
        {label}
      </span>
    );
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-4 text-sm text-slate-700">
      <div className="flex gap-2">
        {first !== undefined ? end(first, "« First", "prev") : null}
        {end(previous, previousLabel, "prev")}
      </div>
      {position ? <p className="text-slate-600">{position}</p> : null}
      <div className="flex gap-2">
        {end(next, nextLabel, "next")}
        {last !== undefined ? end(last, "Last »", "next") : null}
      </div>
    </nav>
  );
}

import Link from "next/link";

/** "Page X of Y" with Previous / Next links that keep the other query parameters. */
export function Pagination({ path, params, page, pageCount }: { path: string; params: Record<string, string | undefined>; page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  const href = (p: number) => {
    const query = new URLSearchParams(Object.entries({ ...params, page: String(p) }).filter((e): e is [string, string] => Boolean(e[1])));
    return `${path}?${query}`;
  };
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between text-sm text-slate-700">
      {page > 1 ? (
        <Link href={href(page - 1)} className="font-medium text-brand-700 hover:underline">
          ← Previous
        </Link>
      ) : (
        <span />
      )}
      <span>
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link href={href(page + 1)} className="font-medium text-brand-700 hover:underline">
          Next →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}

import Link from "next/link";
import type { BannerAlert } from "@/lib/alerts/banner";

/**
 * The banner an athlete sees on every page while a connection needs them: one line per connection, each with what
 * happened and a link to that service's card. Nothing is rendered when nothing needs them.
 */
export function AlertBanner({ alerts }: { alerts: BannerAlert[] }) {
  if (alerts.length === 0) return null;
  return (
    <section aria-labelledby="alert-banner-heading" className="border-b border-amber-200 bg-amber-50">
      <div className="mx-auto max-w-6xl px-4 py-3 sm:px-6">
        <h2 id="alert-banner-heading" className="sr-only">
          Connections that need you
        </h2>
        <ul className="space-y-2">
          {alerts.map((alert) => (
            <li key={alert.service} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 text-sm text-amber-950">
              <p>
                <span aria-hidden="true" className="mr-2 inline-block h-2 w-2 rounded-full bg-amber-500 align-middle" />
                <strong className="font-semibold">{alert.headline}.</strong> {alert.todo}
              </p>
              <Link
                href={alert.href}
                className="rounded-md bg-amber-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800 focus-visible:ring-2 focus-visible:ring-amber-900 focus-visible:ring-offset-2 focus-visible:outline-none"
              >
                {alert.action}
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

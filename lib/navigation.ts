import type { Role } from "@/db/enums";

/** One entry of a role's main navigation. */
export interface NavItem {
  href: string;
  label: string;
}

const SETTINGS: NavItem = { href: "/settings", label: "Settings" };

/** Each role's main navigation, in the order the header shows it. */
export const NAV: Record<Role, NavItem[]> = {
  athlete: [{ href: "/connections", label: "Connections" }, SETTINGS],
  coach: [{ href: "/coach", label: "Roster" }, SETTINGS],
  admin: [
    { href: "/admin", label: "Users" },
    { href: "/admin/connections", label: "Connections" },
    { href: "/admin/audit", label: "Audit log" },
    { href: "/admin/services", label: "Services" },
    { href: "/admin/api-keys", label: "API" },
    { href: "/admin/webhooks", label: "Webhooks" },
    { href: "/admin/system", label: "System" },
    SETTINGS,
  ],
};

/**
 * How many items still fit in one line beside the logo, the role badge and Sign out on a 390 px phone; a longer
 * navigation collapses into a Menu button below Tailwind's `md` (768 px).
 */
export const PHONE_INLINE_NAV_MAX = 3;

/**
 * The href of the item that holds `pathname` (the page itself or a page under it; the longest such href wins, so
 * /admin/connections is Connections and not Users), or undefined when none does.
 */
export function currentNavHref(items: readonly NavItem[], pathname: string): string | undefined {
  let best: string | undefined;
  for (const { href } of items) {
    const holds = pathname === href || pathname.startsWith(`${href}/`);
    if (holds && (best === undefined || href.length > best.length)) best = href;
  }
  return best;
}

import Link from "next/link";
import type { Role } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { Badge } from "@/components/ui/badge";
import { SignOutButton } from "./sign-out-button";

const NAV: Record<Role, { href: string; label: string }[]> = {
  athlete: [{ href: "/connections", label: "Connections" }],
  coach: [{ href: "/coach", label: "Roster" }],
  admin: [{ href: "/admin", label: "Users" }],
};

export function AppHeader({ user }: { user: SessionUser }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
        <div className="flex items-center gap-8">
          <Link href="/" className="text-lg font-bold tracking-tight text-brand-900">
            TrainLink
          </Link>
          <nav aria-label="Main">
            <ul className="flex gap-4 text-sm font-medium">
              {NAV[user.role].map((item) => (
                <li key={item.href}>
                  <Link href={item.href} className="text-slate-700 hover:text-brand-700">
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </div>
        <div className="flex items-center gap-3 text-sm">
          <span className="hidden text-slate-700 sm:inline">{user.name}</span>
          <Badge tone="blue">{user.role}</Badge>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}

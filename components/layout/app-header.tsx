import Link from "next/link";
import type { Role } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { Badge } from "@/components/ui/badge";
import { MainNav } from "./main-nav";
import { SignOutButton } from "./sign-out-button";

const SETTINGS = { href: "/settings", label: "Settings" };

const NAV: Record<Role, { href: string; label: string }[]> = {
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

export function AppHeader({ user }: { user: SessionUser }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
        <div className="flex items-center gap-8">
          <Link href="/" prefetch={false} className="text-lg font-bold tracking-tight text-brand-900">
            TrainLink
          </Link>
          <MainNav items={NAV[user.role]} />
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

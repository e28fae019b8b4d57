import Link from "next/link";
import type { SessionUser } from "@/lib/auth/users";
import { Badge } from "@/components/ui/badge";
import { NAV, PHONE_INLINE_NAV_MAX } from "@/lib/navigation";
import { MainNav } from "./main-nav";
import { SignOutButton } from "./sign-out-button";

export function AppHeader({ user }: { user: SessionUser }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-3 gap-y-2 px-4 py-3 sm:px-6">
        <div className="flex items-center gap-3 md:gap-8">
          <Link href="/" prefetch={false} className="text-lg font-bold tracking-tight text-brand-900">
            TrainLink
          </Link>
          <MainNav items={NAV[user.role]} collapse={NAV[user.role].length > PHONE_INLINE_NAV_MAX} />
        </div>
        <div className="ml-auto flex items-center gap-2 text-sm sm:gap-3">
          <span className="hidden text-slate-700 sm:inline">{user.name}</span>
          <Badge tone="blue">{user.role}</Badge>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}

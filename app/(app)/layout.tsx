import { redirect } from "next/navigation";
import { AlertBanner } from "@/components/alerts/alert-banner";
import { AppHeader } from "@/components/layout/app-header";
import { bannerAlertsOf } from "@/lib/alerts/banner";
import { redirectToCanonicalHost } from "@/lib/auth/canonical-host";
import { getCurrentUser } from "@/lib/auth/session";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  // A layout does not know its path: under another host name, start again from the home page.
  await redirectToCanonicalHost("/");
  const user = await getCurrentUser();
  // Visitors without any session cookie never get here: proxy.ts sends them to /login?callbackUrl=<the page>.
  // A cookie that no longer counts (signed out elsewhere, a disabled account) lands on plain /login.
  if (!user) redirect("/login");
  const alerts = user.role === "athlete" ? await bannerAlertsOf(user.id) : [];
  return (
    <>
      <AppHeader user={user} />
      <AlertBanner alerts={alerts} />
      <main className="mx-auto max-w-6xl px-4 py-8 sm:px-6">{children}</main>
    </>
  );
}

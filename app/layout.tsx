import type { Metadata } from "next";
import "./globals.css";

// Every page depends on who is signed in: render per request, never at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "TrainLink", template: "%s · TrainLink" },
  description: "Link your training services, see what each may access, and stay in control.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}

import type { Role } from "@/db/schema";

declare module "next-auth" {
  interface User {
    role: Role;
  }
  interface Session {
    /** `issuedAt`: when this sign-in happened, in seconds since the epoch. */
    user: { id: string; name: string; email: string; role: Role; issuedAt?: number };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
    /** When the user signed in, in seconds (kept across session refreshes, unlike `iat`). */
    signedInAt?: number;
    /** This session's id: Sign out records it in revoked_sessions, so a copied cookie stops working. */
    sid?: string;
  }
}

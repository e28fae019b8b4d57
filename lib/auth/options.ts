import "server-only";
import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import { cookies } from "next/headers";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { LinkError, saveLearnedSettings, storeLinkedConnection } from "@/lib/linking/store";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { findAuthorizationCodeIntegration, integrations, isAuthorizationCode } from "@/lib/integrations/registry";
import { safeReturnPath } from "@/lib/redirects";
import type { LinkContext } from "@/lib/linking/oauth-code/context";
import { linkProvider } from "@/lib/linking/oauth-code/provider";
import {
  DEVICE_COOKIE_MAX_AGE_S,
  DEVICE_COOKIE_PATH,
  deviceCookieName,
  issueDeviceCookie,
  readCookie,
  verifiedDevice,
} from "@/lib/auth/device-cookie";
import { clientAddress, recordSignInFailure, recordSignInSuccess, signInWaitSeconds, type SignInAttempt } from "@/lib/auth/throttle";
import { authenticate, revokeSession } from "@/lib/auth/users";

const credentialsInput = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  password: z.string().min(1).max(200),
});

/** The error code the login form shows as "too many failed sign-ins"; `RateLimited:<seconds to wait>`. */
export const RATE_LIMITED = "RateLimited";

/** Session lifetime in seconds (8 hours): a dashboard session, not a remember-me. */
const SESSION_MAX_AGE_S = 8 * 60 * 60;

/**
 * next-auth v4 options. Sign-in is Credentials only (argon2id, JWT sessions carrying the user id and role).
 * TrainerDay and enduco are custom OAuth providers used for linking only: when `link` is given (our route
 * wrapper builds it for a signed-in athlete's callback), `callbacks.signIn` stores the connection and
 * redirects to the connections page instead of starting a session; without it, an OAuth sign-in is refused,
 * so an anonymous visitor can never sign in or create a user through a service.
 */
export function buildAuthOptions(link?: LinkContext): NextAuthOptions {
  return {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw, req) {
          const parsed = credentialsInput.safeParse(raw);
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          const attempt: SignInAttempt = {
            email,
            client: clientAddress(req?.headers),
            device: await verifiedDevice(readCookie(req?.headers?.cookie, deviceCookieName()), email),
          };
          // A thrown error reaches the login form as its code; the wait is computed the same for every email.
          const wait = await signInWaitSeconds(attempt);
          if (wait > 0) throw new Error(`${RATE_LIMITED}:${wait}`);
          const user = await authenticate(email, password);
          if (!user) {
            await recordSignInFailure(attempt);
            return null;
          }
          await recordSignInSuccess(attempt);
          (await cookies()).set(deviceCookieName(), await issueDeviceCookie(email), {
            httpOnly: true,
            sameSite: "lax",
            secure: env.NEXTAUTH_URL.startsWith("https://"),
            path: DEVICE_COOKIE_PATH,
            maxAge: DEVICE_COOKIE_MAX_AGE_S,
          });
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        },
      }),
      ...integrations()
        .filter(isAuthorizationCode)
        .filter((i) => i.credentials !== null)
        .map((i) => linkProvider(i, link)),
    ],
    callbacks: {
      async signIn({ account }) {
        if (!account || account.type === "credentials") return true;
        const integration = findAuthorizationCodeIntegration(account.provider);
        if (!link || !integration || !link.exchange) return false;
        try {
          await storeLinkedConnection({
            athleteId: link.userId,
            actorId: link.userId,
            integration,
            tokens: link.exchange.tokens,
            accountId: link.exchange.accountId,
            note: link.exchange.note,
          });
          if (link.exchange.learned) await saveLearnedSettings(integration.id, link.exchange.learned);
        } catch (error) {
          link.failure = {
            code: error instanceof LinkError ? error.code : "link_failed",
            detail: error instanceof Error ? error.message : undefined,
          };
          return false;
        }
        link.linked = true;
        const sep = link.returnTo.includes("?") ? "&" : "?";
        return `${link.returnTo}${sep}linked=${integration.id}`;
      },
      async redirect({ url, baseUrl }) {
        // Our own sections only (SECURITY.md row 4); anything else goes to "/", which sends each role home.
        return new URL(safeReturnPath(url, baseUrl, "/"), baseUrl).toString();
      },
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.role = user.role;
          token.signedInAt = Math.floor(Date.now() / 1000);
          token.sid = randomUUID();
        }
        return { sub: token.sub, name: token.name, email: token.email, role: token.role, signedInAt: token.signedInAt, sid: token.sid };
      },
      async session({ session, token }) {
        if (token.sub && token.role) {
          session.user = { id: token.sub, name: token.name ?? "", email: token.email ?? "", role: token.role, issuedAt: token.signedInAt };
        }
        return session;
      },
    },
    events: {
      // Sign out ends this session on the server too (docs/SECURITY.md row 21): a copy of its cookie is refused.
      async signOut({ token }) {
        if (token?.sid) await revokeSession(token.sid, typeof token.exp === "number" ? token.exp : Math.floor(Date.now() / 1000) + SESSION_MAX_AGE_S);
      },
    },
    logger: {
      // next-auth passes error objects and request metadata; log only the code and our own message text.
      error(code, metadata) {
        const message = metadata instanceof Error ? metadata.message : (metadata as { error?: Error })?.error?.message;
        log.error({ component: "auth", nextauthCode: code, ...(message ? { detail: message } : {}) }, "next-auth error");
      },
      warn(code) {
        if (code !== "DEBUG_ENABLED") log.warn({ component: "auth", nextauthCode: code }, "next-auth warning");
      },
      debug() {},
    },
  };
}

let shared: NextAuthOptions | undefined;

/** The options for everything that is not a link callback (sign-in, sign-out, session reads); built once. */
export function getAuthOptions(): NextAuthOptions {
  shared ??= buildAuthOptions();
  return shared;
}

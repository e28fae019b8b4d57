import "server-only";
import type { Executor } from "@/db";
import type { Role, ServiceId } from "@/db/schema";
import type { ConnectionStatus } from "@/lib/connections/status";
import { getIntegration } from "@/lib/integrations/registry";
import { enqueueMail } from "@/lib/mail/outbox";
import { oneClickUnsubscribeUrl, unsubscribeUrl, wantsEmail } from "@/lib/mail/preferences";
import { appUrl, renderMail } from "@/lib/mail/render";
import { mailEnabled } from "@/lib/mail/transport";
import { formatUtc } from "@/lib/time";

/** What became of a request's mail: written to the outbox, not wanted by the athlete, or mail is off (no SMTP_URL). */
export type RequestMailOutcome = "queued" | "opted_out" | "mail_off";

/** One request mail: the first one ("sent") or the reminder after 3 days. */
export interface RequestMailInput {
  kind: "sent" | "reminder";
  requestId: string;
  athlete: { id: string; name: string; email: string };
  service: ServiceId;
  /** Who asked; null when their account is gone. */
  requester: { name: string; role: Role } | null;
  askedAt: Date;
  /** The connection's status now: what is wrong, in words. */
  status: ConnectionStatus;
}

/** What is wrong, for the athlete, and what to press on the card. Keyed by string: statuses added later fall back. */
const PROBLEM: Partial<Record<string, (name: string) => { wrong: string; fix: string }>> = {
  needs_reauth: (name) => ({
    wrong: `${name} no longer accepts TrainLink's access to your account, so your coach cannot see that it is linked.`,
    fix: `choose Reconnect on the ${name} card and approve access at ${name}`,
  }),
  revoked_by_service: (name) => ({
    wrong: `Access to your account was cancelled at ${name}, so the connection no longer works.`,
    fix: `choose Connect on the ${name} card and approve access at ${name}`,
  }),
  refresh_failing: (name) => ({
    wrong: `TrainLink keeps failing to renew its access to your ${name} account, so the connection may stop working.`,
    fix: `choose Refresh on the ${name} card; if it still fails, disconnect ${name} and connect it again`,
  }),
  missing_permissions: (name) => ({
    wrong: `${name} did not grant TrainLink all the permissions it needs, so part of your data cannot be read.`,
    fix: `choose Grant missing permissions on the ${name} card and allow everything ${name} asks for`,
  }),
};

function problem(status: ConnectionStatus, name: string) {
  return (
    PROBLEM[status]?.(name) ?? {
      wrong: `Your ${name} connection needs you before it can work again.`,
      fix: `open the ${name} card and follow what it says`,
    }
  );
}

function asker(requester: RequestMailInput["requester"]): string {
  if (!requester) return "Your coach";
  return requester.role === "admin" ? `${requester.name}, a TrainLink administrator,` : `${requester.name}, your coach,`;
}

/**
 * The subject and bodies of a request mail. The button links to `/connections?request=<request id>#<service>`
 * (sign-in required; the request id is no secret and the link carries no token); the footer says why the athlete
 * gets it, with the unsubscribe link for reconnect-request mail.
 */
export function renderRequestMail(input: RequestMailInput): { subject: string; text: string; html: string } {
  const name = getIntegration(input.service).name;
  const { wrong, fix } = problem(input.status, name);
  const who = asker(input.requester);
  const first =
    input.kind === "sent"
      ? `${who} asked you to reconnect ${name} in TrainLink.`
      : `${who} asked you on ${formatUtc(input.askedAt, "d MMM yyyy")} to reconnect ${name} in TrainLink, and it still needs you.`;
  const body = renderMail({
    greeting: `Hi ${input.athlete.name},`,
    paragraphs: [
      first,
      wrong,
      `It takes a minute: sign in to TrainLink, then ${fix}. ${input.requester?.name ?? "Your coach"} sees when it works again.`,
    ],
    action: { label: `Reconnect ${name}`, url: appUrl(`/connections?request=${encodeURIComponent(input.requestId)}#${input.service}`) },
    footer:
      input.kind === "sent"
        ? "You get this email because your coach or a TrainLink administrator asked you to reconnect a service. You get at most one reminder."
        : "You get this reminder because a reconnect request from your coach or a TrainLink administrator is still open. It is the only reminder.",
    unsubscribeUrl: unsubscribeUrl(input.athlete.id, "reconnect_requests"),
  });
  return { subject: input.kind === "sent" ? `Please reconnect ${name}` : `Reminder: please reconnect ${name}`, ...body };
}

/**
 * Writes the request mail of `input` to the outbox in `tx` (the transaction of the transition that causes it),
 * when the athlete wants reconnect-request mail; dedupe key `reconnect:<request id>:sent` or `…:reminder`, so a
 * mail is enqueued at most once. Resolves to what became of it.
 */
export async function enqueueRequestMail(input: RequestMailInput, tx: Executor): Promise<RequestMailOutcome> {
  if (!(await wantsEmail(input.athlete.id, "reconnect_requests", tx))) return "opted_out";
  if (!mailEnabled()) return "mail_off";
  const { subject, text, html } = renderRequestMail(input);
  await enqueueMail(
    {
      dedupeKey: `reconnect:${input.requestId}:${input.kind}`,
      recipientId: input.athlete.id,
      to: input.athlete.email,
      subject,
      text,
      html,
      unsubscribeUrl: oneClickUnsubscribeUrl(input.athlete.id, "reconnect_requests"),
    },
    tx,
  );
  return "queued";
}

import { env } from "@/lib/env";

/** What a mail says, as structured parts; renderMail turns it into its plain-text and HTML bodies. */
export interface MailContent {
  /** First line, e.g. "Hi Ana,". */
  greeting: string;
  /** Paragraphs of plain text (escaped in the HTML part). */
  paragraphs: string[];
  /** A list of items shown after the paragraphs (e.g. the athletes of a digest), each optionally a link. */
  items?: (string | { text: string; url: string })[];
  /** The one thing to do, as a button in HTML and a line with the URL in text. */
  action?: { label: string; url: string };
  /** Why the person gets this mail, and where to change it. */
  footer: string;
  /** Unsubscribe link for this kind of mail (also sent as the List-Unsubscribe header). */
  unsubscribeUrl?: string | null;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** The absolute URL of the app's path `path` (which starts with "/"), from NEXTAUTH_URL: links in mail must be absolute. */
export function appUrl(path: string): string {
  return new URL(path, env.NEXTAUTH_URL).toString();
}

/**
 * Renders `content` as a mail's two bodies: plain text, and HTML with the same words (every text escaped, inline
 * styles only, no images or remote content). Content is built from names, services and statuses; the one
 * exception is a password-reset mail's single-use link (its outbox row is scrubbed once sent: SECRET_MAIL_PREFIXES
 * in lib/mail/outbox.ts).
 */
export function renderMail(content: MailContent): { text: string; html: string } {
  const text = [
    content.greeting,
    "",
    ...content.paragraphs.flatMap((p) => [p, ""]),
    ...(content.items?.length ? [...content.items.map((i) => (typeof i === "string" ? `- ${i}` : `- ${i.text}: ${i.url}`)), ""] : []),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ""] : []),
    "-- ",
    content.footer,
    ...(content.unsubscribeUrl ? [`Unsubscribe: ${content.unsubscribeUrl}`] : []),
  ].join("\n");
  const p = (inner: string, style = "") => `<p style="margin:0 0 16px;${style}">${inner}</p>`;
  const html = [
    '<!doctype html><html lang="en"><body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#18181b">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px;border:1px solid #e4e4e7">',
    '<p style="margin:0 0 16px;font-weight:600;color:#14306a">TrainLink</p>',
    p(escapeHtml(content.greeting)),
    ...content.paragraphs.map((para) => p(escapeHtml(para))),
    content.items?.length
      ? `<ul style="margin:0 0 16px;padding-left:20px">${content.items.map((i) => `<li style="margin:0 0 6px">${typeof i === "string" ? escapeHtml(i) : `<a href="${escapeHtml(i.url)}" style="color:#1a4fb0">${escapeHtml(i.text)}</a>`}</li>`).join("")}</ul>`
      : "",
    content.action
      ? p(
          `<a href="${escapeHtml(content.action.url)}" style="display:inline-block;background:#1d5fd6;color:#ffffff;text-decoration:none;padding:10px 16px;border-radius:6px;font-weight:600">${escapeHtml(content.action.label)}</a>`,
        )
      : "",
    '<hr style="border:none;border-top:1px solid #e4e4e7;margin:24px 0 12px">',
    p(escapeHtml(content.footer), "font-size:13px;color:#52525b"),
    content.unsubscribeUrl ? p(`<a href="${escapeHtml(content.unsubscribeUrl)}" style="color:#52525b">Unsubscribe</a>`, "font-size:13px") : "",
    "</div></body></html>",
  ].join("");
  return { text, html };
}

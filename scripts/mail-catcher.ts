/**
 * The local SMTP catcher of the demo and the tests: maildev (SMTP on one port, a web inbox and its JSON API on
 * another), run as a child process so that stopping it is a real SMTP outage. Mail is kept in `dir`, so a
 * restarted catcher still shows what it caught before.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startProcess, waitUntilReady, type StartedProcess } from "./processes";

/** A running catcher: where the app sends mail and where people (and tests) read it. */
export interface MailCatcher {
  smtpPort: number;
  webPort: number;
  /** SMTP_URL for the app. */
  smtpUrl: string;
  /** The web inbox. */
  inboxUrl: string;
  /** Stops the catcher (SIGTERM, then SIGKILL after 5 s); resolves when it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and folder (after stop). */
  start(): Promise<void>;
}

/** A caught mail as the inbox's API (`GET /api/email`) lists it, reduced to what the tests read. */
export interface CaughtMail {
  id: string;
  subject: string;
  to: { address: string }[];
  text?: string;
  html?: string;
  headers: Record<string, string | string[]>;
  messageId: string;
}

/**
 * Starts maildev on `smtpPort` (SMTP) and `webPort` (inbox), both bound to 127.0.0.1, keeping mail in `dir`; its
 * output goes to `logFile` (default `<dir>/maildev.log`). Resolves when the inbox answers; throws after 30 s.
 * `onExit` is called when the process ends without stop() (the demo and e2e scripts stop everything then).
 */
export async function startMailCatcher(options: {
  smtpPort: number;
  webPort: number;
  dir: string;
  logFile?: string;
  onExit?: (code: number | null) => void;
}): Promise<MailCatcher> {
  const { smtpPort, webPort, dir } = options;
  mkdirSync(dir, { recursive: true });
  const bin = join(process.cwd(), "node_modules", "maildev", "dist", "bin", "maildev.js");
  const logFile = options.logFile ?? join(dir, "maildev.log");
  let child: StartedProcess | undefined;
  let stopping = false;
  const inboxUrl = `http://127.0.0.1:${webPort}`;
  const catcher: MailCatcher = {
    smtpPort,
    webPort,
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    inboxUrl,
    async start() {
      stopping = false;
      const started = startProcess(
        "maildev",
        process.execPath,
        [
          bin,
          "--smtp",
          String(smtpPort),
          "--ip",
          "127.0.0.1",
          "--web",
          String(webPort),
          "--web-ip",
          "127.0.0.1",
          "--mail-directory",
          join(dir, "mail"),
        ],
        { output: logFile },
      );
      child = started;
      void started.exited.then(({ code }) => {
        if (!stopping) options.onExit?.(code);
      });
      await waitUntilReady(`${inboxUrl}/api/healthz`, { timeoutMs: 30_000 });
    },
    async stop() {
      stopping = true;
      await child?.stop();
    },
  };
  await catcher.start();
  return catcher;
}

/**
 * Every mail the inbox at `inboxUrl` holds, oldest first, with its text and HTML bodies. Throws when the inbox
 * does not answer.
 */
export async function caughtMail(inboxUrl: string): Promise<CaughtMail[]> {
  const response = await fetch(`${inboxUrl}/api/email`);
  if (!response.ok) throw new Error(`the mail inbox answered ${response.status}`);
  const list = (await response.json()) as (Omit<CaughtMail, "messageId"> & { time: string })[];
  return list
    .sort((a, b) => a.time.localeCompare(b.time))
    .map((mail) => {
      const messageId = mail.headers["message-id"];
      return { ...mail, messageId: Array.isArray(messageId) ? (messageId[0] ?? "") : (messageId ?? "") };
    });
}

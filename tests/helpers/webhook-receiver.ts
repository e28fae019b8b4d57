/**
 * A real webhook receiver for tests and the bench: node:http on 127.0.0.1 (a free port), verifying every request's
 * Standard Webhooks signature with the `standardwebhooks` package, and answering as `behave` says per request:
 * a status (with optional headers), `drop` (the connection is destroyed without an answer) or `hang` (no answer
 * for `hangMs`, then the connection is destroyed). Only a 2xx answer counts as accepted, per webhook-id.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type ReceiverAnswer = { status: number; headers?: Record<string, string> } | "drop" | "hang";

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Every request received, in order. */
  requests: ReceivedRequest[];
  /** webhook-id → how many times it was answered with a 2xx. */
  accepted: Map<string, number>;
  /** Requests whose signature did not verify. */
  badSignatures: number;
  /** Replaces the answer rule. */
  behave: (behave: (request: ReceivedRequest) => ReceiverAnswer) => void;
  /** The secret signatures are verified with. */
  setSecret: (secret: string) => void;
  stop: () => Promise<void>;
}

/** Starts a receiver; `hangMs` (default 3,000 ms) is how long a `hang` answer holds the connection. */
export async function startWebhookReceiver(options: { secret?: string; hangMs?: number } = {}): Promise<WebhookReceiver> {
  let verifier = options.secret ? new Webhook(options.secret) : null;
  let rule: (request: ReceivedRequest) => ReceiverAnswer = () => ({ status: 200 });
  const receiver = {
    requests: [] as ReceivedRequest[],
    accepted: new Map<string, number>(),
    badSignatures: 0,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let signatureValid = false;
      try {
        verifier?.verify(body, req.headers as Record<string, string>);
        signatureValid = verifier !== null;
      } catch {
        signatureValid = false;
      }
      if (!signatureValid) receiver.badSignatures += 1;
      const request: ReceivedRequest = { path: req.url ?? "/", headers: req.headers, body, signatureValid };
      receiver.requests.push(request);
      const answer = rule(request);
      if (answer === "drop") {
        req.socket.destroy();
        return;
      }
      if (answer === "hang") {
        setTimeout(() => req.socket.destroy(), options.hangMs ?? 3_000).unref();
        return;
      }
      if (answer.status >= 200 && answer.status < 300) {
        const id = String(req.headers["webhook-id"]);
        receiver.accepted.set(id, (receiver.accepted.get(id) ?? 0) + 1);
      }
      res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      res.end("ok");
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    origin: `http://127.0.0.1:${port}`,
    port,
    behave: (next: (request: ReceivedRequest) => ReceiverAnswer) => {
      rule = next;
    },
    setSecret: (secret: string) => {
      verifier = new Webhook(secret);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

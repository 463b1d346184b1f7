/**
 * Real receivers on loopback for the alert tests: an HTTP server that records every webhook
 * POST and answers as the test says, and an SMTP server (the smtp-server package) that checks
 * a login and keeps every message.
 */
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One POST the receiver got, and what it answered. */
export interface ReceivedPost {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** pgmon's webhook body. */
export interface PgmonMessage {
  status: 'firing' | 'resolved' | 'test';
  alert: {
    id: number;
    server: string;
    check: string;
    object: string | null;
    severity: string;
    since: string;
    resolved_at: string | null;
    value: number | null;
    message: string;
  };
  sent_at: string;
}

/** How to answer one request: a status (and body), or never (the request hangs). */
export type Answer = { status: number; body?: string } | 'never';

export class WebhookReceiver {
  readonly posts: ReceivedPost[] = [];
  /** Decides each answer; 200 "ok" unless a test says otherwise. */
  answer: (post: Omit<ReceivedPost, 'status'>) => Answer = () => ({ status: 200, body: 'ok' });
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () =>
        receiver.handle(
          request.url ?? '/',
          request.headers,
          Buffer.concat(chunks).toString('utf8'),
          response,
        ),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** The pgmon bodies of the POSTs answered 2xx (what the receiver took), in order. */
  accepted(path?: string): PgmonMessage[] {
    return this.posts
      .filter(
        (post) =>
          post.status >= 200 && post.status < 300 && (path === undefined || post.path === path),
      )
      .map((post) => JSON.parse(post.body) as PgmonMessage);
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private handle(
    path: string,
    headers: IncomingHttpHeaders,
    body: string,
    response: ServerResponse,
  ): void {
    const post = { at: Date.now(), path, headers, body };
    const answer = this.answer(post);
    if (answer === 'never') {
      this.hanging.add(response);
      this.posts.push({ ...post, status: 0 });
      return;
    }
    this.posts.push({ ...post, status: answer.status });
    response.writeHead(answer.status, { 'content-type': 'text/plain' });
    response.end(answer.body ?? '');
  }
}

/** One email the SMTP server took. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export class MailReceiver {
  readonly mails: ReceivedMail[] = [];
  /** Logins the server refused. */
  refusedLogins = 0;
  port = 0;
  private server: SMTPServer | undefined;

  /** Listens on loopback; only `user` with `password` may send. */
  static async start(user: string, password: string): Promise<MailReceiver> {
    const receiver = new MailReceiver();
    const server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === user && auth.password === password) return callback(null, { user });
        receiver.refusedLogins += 1;
        return callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          receiver.mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope));
          callback();
        });
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    receiver.server = server;
    receiver.port = (server.server.address() as AddressInfo).port;
    return receiver;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

interface Envelope {
  mailFrom: { address: string } | false;
  rcptTo: { address: string }[];
}

/** Subject (unfolded) and text body (quoted-printable decoded) of a plain-text message. */
function parseMail(raw: string, envelope: Envelope): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) =>
    new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const quoted = /quoted-printable/i.test(header('Content-Transfer-Encoding'));
  return {
    from: envelope.mailFrom ? envelope.mailFrom.address : '',
    to: envelope.rcptTo.map((recipient) => recipient.address),
    subject: header('Subject'),
    text: quoted ? decodeQuotedPrintable(body) : body,
  };
}

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, '');
  return Buffer.from(
    joined.replace(/=([0-9A-F]{2})/g, (_match, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    ),
    'latin1',
  ).toString('utf8');
}

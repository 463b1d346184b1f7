import { Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import type { OpenedChannel } from '../channels/channel.js';
import { emailSubject, emailText, type Notification } from './message.js';
import { loggable, type SendOutcome } from './send-outcome.js';

/** A failed send as nodemailer reports it. */
interface MailError {
  code?: string;
  responseCode?: number;
  response?: string;
  message: string;
}

/**
 * Sends a notification by email through SMTP_URL (nodemailer), one connection per message,
 * every step under NOTIFICATION_TIMEOUT_MS.
 */
@Injectable()
export class EmailSender {
  constructor(private readonly config: AppConfig) {}

  async send(channel: OpenedChannel, notification: Notification): Promise<SendOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { smtpUrl, smtpFrom, sendTimeoutMs } = this.config.alerts;
    if (!smtpUrl) {
      return {
        ok: false,
        retry: false,
        status: null,
        response: null,
        error: 'SMTP_URL is not set',
        durationMs: 0,
      };
    }
    const password = decodeURIComponent(new URL(smtpUrl).password);
    // Loaded on the first email: most deployments never send one.
    const { createTransport } = await import('nodemailer');
    const transport = createTransport(smtpOptions(smtpUrl, sendTimeoutMs));
    try {
      const info = await transport.sendMail({
        from: smtpFrom,
        to: channel.recipients,
        subject: emailSubject(notification),
        text: emailText(notification, new Date()),
        signal: AbortSignal.timeout(sendTimeoutMs),
      });
      return {
        ok: true,
        retry: false,
        status: replyCode(info.response),
        response: loggable(info.response, [password]),
        error: null,
        durationMs: elapsed(),
      };
    } catch (thrown) {
      const error = thrown as MailError;
      return {
        ok: false,
        retry: isTransient(error),
        status: error.responseCode ?? null,
        response: error.response ? loggable(error.response, [password]) : null,
        error: loggable(`${error.code ? `${error.code}: ` : ''}${error.message}`, [password]),
        durationMs: elapsed(),
      };
    } finally {
      transport.close();
    }
  }
}

/** Transport options from smtp://user:pass@host:port (smtps:// for TLS from the start). */
function smtpOptions(url: string, timeoutMs: number) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    ...(parsed.port && { port: Number(parsed.port) }),
    secure: parsed.protocol === 'smtps:',
    ...(parsed.username && {
      auth: {
        user: decodeURIComponent(parsed.username),
        pass: decodeURIComponent(parsed.password),
      },
    }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** `250 2.0.0 OK: queued` -> 250. */
function replyCode(response: string): number | null {
  const match = /^(\d{3})/.exec(response);
  return match ? Number(match[1]) : null;
}

/**
 * A permanent SMTP refusal (5xx: no such recipient, message refused) is not retried; a wrong
 * password is (SMTP_URL may be fixed and the process restarted), as are connection troubles.
 */
function isTransient(error: MailError): boolean {
  const code = error.responseCode;
  return code === undefined || code < 500 || error.code === 'EAUTH';
}

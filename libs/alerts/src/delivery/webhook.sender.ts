import { Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import type { OpenedChannel } from '../channels/channel.js';
import { SIGNATURE_HEADER, signature, webhookBody, type Notification } from './message.js';
import { loggable, type SendOutcome } from './send-outcome.js';

/** Bytes of an answer read at most (the rest is not waited for). */
const MAX_ANSWER_BYTES = 4096;

/** POSTs a notification to a webhook, under NOTIFICATION_TIMEOUT_MS, signed when it has a secret. */
@Injectable()
export class WebhookSender {
  constructor(private readonly config: AppConfig) {}

  async send(
    channel: OpenedChannel,
    notification: Notification,
    deliveryId: number | null,
  ): Promise<SendOutcome> {
    const started = performance.now();
    const body = webhookBody(notification, channel.format, new Date());
    const secrets = secretsOf(channel);
    const elapsed = () => Math.round(performance.now() - started);
    const timeoutMs = this.config.alerts.sendTimeoutMs;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      const response = await fetch(channel.url ?? '', {
        method: 'POST',
        headers: this.headers(channel, body, deliveryId),
        body,
        // A redirect is not followed: the signature and the body were meant for this URL.
        redirect: 'manual',
        signal,
      });
      const answer = loggable(await readStart(response), secrets);
      return judged(response.status, answer, elapsed());
    } catch (error) {
      return {
        ok: false,
        retry: true,
        status: null,
        response: null,
        error: loggable(networkError(error, timeoutMs), secrets),
        durationMs: elapsed(),
      };
    }
  }

  private headers(
    channel: OpenedChannel,
    body: string,
    deliveryId: number | null,
  ): Record<string, string> {
    return {
      'content-type': 'application/json',
      'user-agent': `pgmon/${this.config.version}`,
      ...(deliveryId !== null && { 'x-pgmon-delivery': String(deliveryId) }),
      ...(channel.secret && { [SIGNATURE_HEADER]: signature(channel.secret, body) }),
    };
  }
}

/** 2xx is taken; 5xx, 408 and 429 are worth another attempt; other answers refuse for good. */
function judged(status: number, answer: string, durationMs: number): SendOutcome {
  const ok = status >= 200 && status < 300;
  const redirected = status >= 300 && status < 400;
  return {
    ok,
    retry: !ok && (status >= 500 || status === 408 || status === 429),
    status,
    response: answer || null,
    error: ok
      ? null
      : redirected
        ? `HTTP ${status}: a redirect, not followed (point the channel at the final URL)`
        : `HTTP ${status}`,
    durationMs,
  };
}

/** The first bytes of the answer's body. */
async function readStart(response: Response): Promise<string> {
  const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_ANSWER_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel();
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** Why fetch failed: no answer in time, or the connection (refused, reset, DNS...). */
function networkError(error: unknown, timeoutMs: number): string {
  if (
    error instanceof DOMException &&
    (error.name === 'TimeoutError' || error.name === 'AbortError')
  )
    return `no answer within ${timeoutMs} ms`;
  if (error instanceof TypeError) {
    const cause = error.cause as { code?: string; message?: string } | undefined;
    return cause?.message ?? error.message;
  }
  throw error;
}

function secretsOf(channel: OpenedChannel): (string | null)[] {
  if (!channel.url) return [channel.secret];
  const url = new URL(channel.url);
  return [
    channel.secret,
    channel.url,
    `${url.pathname}${url.search}`.length > 1 ? `${url.pathname}${url.search}` : null,
    url.password || null,
  ];
}

import type { Severity } from '../catalog.js';

export const CHANNEL_TYPES = ['webhook', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** pgmon's JSON body, or a Slack-compatible `{"text": ...}`. */
export const WEBHOOK_FORMATS = ['pgmon', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Sealing contexts: a sealed value cannot be moved to another field. */
export const SEALED_URL = 'channel.url';
export const SEALED_SECRET = 'channel.secret';

/** A channel as stored: the URL (it may carry a token) and the secret stay sealed. */
export interface ChannelRecord {
  id: number;
  name: string;
  type: ChannelType;
  sealedUrl: string | null;
  sealedSecret: string | null;
  format: WebhookFormat | null;
  recipients: string[] | null;
  minSeverity: Severity;
  sendResolved: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A channel ready to send through: secrets opened, never returned or logged. */
export interface OpenedChannel {
  id: number;
  name: string;
  type: ChannelType;
  url: string | null;
  secret: string | null;
  format: WebhookFormat;
  recipients: string[];
}

/**
 * What a webhook URL shows: scheme, host and port. A path or query may hold a token (Slack's
 * do), so they are never shown: `https://hooks.slack.com/…`.
 */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  const hidden =
    (parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash;
  return `${parsed.protocol}//${parsed.host}${hidden ? '/…' : ''}`;
}

/** An http or https URL with a host, no longer than 2048 characters. */
export function isWebhookUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048 || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

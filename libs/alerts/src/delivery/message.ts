import { createHmac } from 'node:crypto';
import type { Severity } from '../catalog.js';
import type { WebhookFormat } from '../channels/channel.js';

/** The alert as a notification carries it (the `alert` of pgmon's webhook body). */
export interface AlertPayload {
  id: number;
  server: string;
  check: string;
  /** What the alert concerns; null for the check as a whole. */
  object: string | null;
  severity: Severity;
  since: string;
  resolved_at: string | null;
  value: number | null;
  message: string;
}

/** What one delivery says, stored with it when the event happens. */
export interface Notification {
  status: 'firing' | 'resolved' | 'test';
  alert: AlertPayload;
}

/** The header a webhook with a secret gets, and the body it signs. */
export const SIGNATURE_HEADER = 'X-Pgmon-Signature';

/** pgmon's body, or Slack's `{"text": ...}`, as sent (the signature covers these bytes). */
export function webhookBody(
  notification: Notification,
  format: WebhookFormat,
  sentAt: Date,
): string {
  if (format === 'slack') return JSON.stringify({ text: slackText(notification) });
  return JSON.stringify({
    status: notification.status,
    alert: notification.alert,
    sent_at: sentAt.toISOString(),
  });
}

/** `sha256=<hex HMAC-SHA256 of the body>`. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function emailSubject(notification: Notification): string {
  const { alert } = notification;
  if (notification.status === 'test') return '[pgmon] Test message';
  const what = `${alert.check} on ${alert.server}${alert.object ? ` (${alert.object})` : ''}`;
  return notification.status === 'firing'
    ? `[pgmon] FIRING ${alert.severity}: ${what}`
    : `[pgmon] RESOLVED: ${what}`;
}

export function emailText(notification: Notification, sentAt: Date): string {
  const { alert } = notification;
  return [
    headline(notification),
    '',
    alert.message,
    '',
    `Server:   ${alert.server}`,
    `Check:    ${alert.check}`,
    `Object:   ${alert.object ?? '-'}`,
    `Severity: ${alert.severity}`,
    `Value:    ${alert.value ?? '-'}`,
    `Since:    ${alert.since}`,
    `Resolved: ${alert.resolved_at ?? '-'}`,
    `Alert id: ${alert.id}`,
    `Sent at:  ${sentAt.toISOString()}`,
    '',
  ].join('\n');
}

function headline(notification: Notification): string {
  const { alert } = notification;
  if (notification.status === 'test') return 'This is a test message from pgmon.';
  const where = `${alert.check} on ${alert.server}${alert.object ? ` (${alert.object})` : ''}`;
  return notification.status === 'firing'
    ? `FIRING (${alert.severity}): ${where}`
    : `RESOLVED: ${where}`;
}

function slackText(notification: Notification): string {
  const mark =
    notification.status === 'firing'
      ? ':rotating_light:'
      : notification.status === 'resolved'
        ? ':white_check_mark:'
        : ':information_source:';
  return `${mark} *${escapeSlack(headline(notification))}*\n${escapeSlack(notification.alert.message)}`;
}

/** Slack reads <...> as links and mentions: &, < and > are escaped as its docs say. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

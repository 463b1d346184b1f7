import type { SecretCipher } from '#secrets';
import type { CreateChannelDto, UpdateChannelDto } from '../dto/channels.dto.js';
import { invalidField } from '../invalid-field.js';
import { displayUrl, SEALED_SECRET, SEALED_URL, type ChannelRecord } from './channel.js';
import type { ChannelRowChanges, NewChannelRow } from './channels.repository.js';

/** Fields only a webhook takes, and the one only email takes. */
const WEBHOOK_ONLY = ['url', 'secret', 'format'] as const;

/** The row of a new channel: secrets sealed, fields checked against its type. */
export function toNewRow(
  input: CreateChannelDto,
  cipher: SecretCipher,
  smtp: boolean,
): NewChannelRow {
  assertFitsType(input.type, input, smtp);
  if (input.type === 'webhook' && !input.url)
    throw invalidField('url', 'url is required for a webhook channel');
  if (input.type === 'email' && !input.to)
    throw invalidField('to', 'to is required for an email channel');
  const secret = nonEmpty(input.secret);
  return {
    name: input.name,
    type: input.type,
    url: input.url ? cipher.seal(input.url, SEALED_URL) : null,
    secret: secret ? cipher.seal(secret, SEALED_SECRET) : null,
    format: input.type === 'webhook' ? input.format || 'pgmon' : null,
    recipients: input.to ? JSON.stringify(input.to) : null,
    min_severity: input.min_severity ?? 'warning',
    send_resolved: input.send_resolved === false ? 0 : 1,
  };
}

/**
 * Changes for PUT: omitted fields keep their value; the URL as answers show it, or empty,
 * keeps the stored one; an empty secret keeps it, null removes it. The type cannot change.
 */
export function toRowChanges(
  current: ChannelRecord,
  input: UpdateChannelDto,
  cipher: SecretCipher,
): ChannelRowChanges {
  if (input.type !== undefined && input.type !== current.type) {
    throw invalidField('type', 'the type of a channel cannot change: delete it and create another');
  }
  assertFitsType(current.type, input, true);
  const storedUrl = current.sealedUrl === null ? null : cipher.open(current.sealedUrl, SEALED_URL);
  const newUrl =
    input.url && input.url !== (storedUrl && displayUrl(storedUrl)) ? input.url : undefined;
  const secret = input.secret === null ? null : nonEmpty(input.secret);
  return {
    ...resealStale(current, cipher),
    ...(newUrl !== undefined && { url: cipher.seal(newUrl, SEALED_URL) }),
    ...(secret !== undefined && {
      secret: secret === null ? null : cipher.seal(secret, SEALED_SECRET),
    }),
    ...(input.format && { format: input.format }),
    ...(input.to && { recipients: JSON.stringify(input.to) }),
    ...(input.min_severity !== undefined && { min_severity: input.min_severity }),
    ...(input.send_resolved !== undefined && { send_resolved: input.send_resolved ? 1 : 0 }),
  };
}

/**
 * Kept secrets sealed with an older key (now in ENCRYPTION_KEY_PREVIOUS) are sealed again with
 * the current one, so saving a channel completes a key rotation for it.
 */
function resealStale(current: ChannelRecord, cipher: SecretCipher): ChannelRowChanges {
  const stale = (sealed: string | null): sealed is string =>
    sealed !== null && cipher.isStale(sealed);
  return {
    ...(stale(current.sealedUrl) && {
      url: cipher.seal(cipher.open(current.sealedUrl, SEALED_URL), SEALED_URL),
    }),
    ...(stale(current.sealedSecret) && {
      secret: cipher.seal(cipher.open(current.sealedSecret, SEALED_SECRET), SEALED_SECRET),
    }),
  };
}

/** 422 for fields of the other type (and for email without SMTP_URL). */
function assertFitsType(type: string, input: UpdateChannelDto, smtp: boolean): void {
  if (type === 'email') {
    for (const field of WEBHOOK_ONLY) {
      if (input[field]) throw invalidField(field, `${field} is for webhook channels only`);
    }
    if (!smtp)
      throw invalidField(
        'type',
        'email channels need SMTP_URL (smtp://user:pass@host:port) to be set',
      );
  } else if (input.to) {
    throw invalidField('to', 'to is for email channels only');
  }
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : value;
}

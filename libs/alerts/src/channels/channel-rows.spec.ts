import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { UnprocessableEntityException } from '@nestjs/common';
import { AppConfig, parseEncryptionKey } from '#config';
import { SecretCipher } from '#secrets';
import { SEALED_SECRET, SEALED_URL, type ChannelRecord } from './channel.js';
import { toNewRow, toRowChanges } from './channel-rows.js';

const URL_WITH_TOKEN = 'https://hooks.example.com/services/T0/B0/token123';

function cipher(current: string, previous: string[] = []): SecretCipher {
  return new SecretCipher({
    encryption: {
      current: parseEncryptionKey(current),
      previous: previous.map((key) => parseEncryptionKey(key)),
    },
  } as AppConfig);
}

function record(sealing: SecretCipher, fields: Partial<ChannelRecord> = {}): ChannelRecord {
  return {
    id: 1,
    name: 'oncall',
    type: 'webhook',
    sealedUrl: sealing.seal(URL_WITH_TOKEN, SEALED_URL),
    sealedSecret: sealing.seal('s3cret', SEALED_SECRET),
    format: 'pgmon',
    recipients: null,
    minSeverity: 'warning',
    sendResolved: true,
    createdAt: 0,
    updatedAt: 0,
    ...fields,
  };
}

function refusedField(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof UnprocessableEntityException);
    return (error.getResponse() as { detail: { loc: string[] }[] }).detail[0]?.loc.join('.') ?? '';
  }
  return assert.fail('expected a 422');
}

describe(toNewRow.name, () => {
  const sealing = cipher(randomBytes(32).toString('base64'));

  it('returns the row with the URL and the secret sealed, and the defaults', () => {
    const row = toNewRow(
      { name: 'oncall', type: 'webhook', url: URL_WITH_TOKEN, secret: 's3cret' },
      sealing,
      false,
    );
    assert.equal(sealing.open(row.url ?? '', SEALED_URL), URL_WITH_TOKEN);
    assert.equal(sealing.open(row.secret ?? '', SEALED_SECRET), 's3cret');
    assert.deepEqual(
      [row.format, row.recipients, row.min_severity, row.send_resolved],
      ['pgmon', null, 'warning', 1],
    );
  });

  it('throws a 422 naming the field that does not fit the type', () => {
    assert.equal(
      refusedField(() => toNewRow({ name: 'a', type: 'webhook' }, sealing, true)),
      'body.url',
    );
    assert.equal(
      refusedField(() => toNewRow({ name: 'a', type: 'email' }, sealing, true)),
      'body.to',
    );
    assert.equal(
      refusedField(() =>
        toNewRow({ name: 'a', type: 'email', to: ['a@example.com'], secret: 'x' }, sealing, true),
      ),
      'body.secret',
    );
    assert.equal(
      refusedField(() =>
        toNewRow({ name: 'a', type: 'email', to: ['a@example.com'] }, sealing, false),
      ),
      'body.type',
    );
  });
});

describe(toRowChanges.name, () => {
  const key = randomBytes(32).toString('base64');
  const sealing = cipher(key);

  it('returns no change of the URL or the secret for the answer sent back', () => {
    const changes = toRowChanges(
      record(sealing),
      {
        type: 'webhook',
        url: 'https://hooks.example.com/…',
        format: 'pgmon',
        to: null,
        min_severity: 'critical',
      },
      sealing,
    );
    assert.deepEqual(changes, { format: 'pgmon', min_severity: 'critical' });
  });

  it('returns a new URL sealed, and the secret removed with null', () => {
    const changes = toRowChanges(
      record(sealing),
      { url: 'http://10.0.0.5/hook', secret: null },
      sealing,
    );
    assert.equal(sealing.open(changes.url ?? '', SEALED_URL), 'http://10.0.0.5/hook');
    assert.equal(changes.secret, null);
  });

  it('returns what an older key sealed sealed again with the current one', () => {
    const rotated = cipher(randomBytes(32).toString('base64'), [key]);
    const changes = toRowChanges(record(sealing), { send_resolved: false }, rotated);
    assert.equal(rotated.isStale(changes.url ?? ''), false);
    assert.equal(rotated.open(changes.secret ?? '', SEALED_SECRET), 's3cret');
    assert.equal(changes.send_resolved, 0);
  });

  it('throws a 422 for a change of type', () => {
    assert.equal(
      refusedField(() => toRowChanges(record(sealing), { type: 'email' }, sealing)),
      'body.type',
    );
  });
});

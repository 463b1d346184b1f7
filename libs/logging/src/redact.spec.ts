import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redact, redactUrl } from './redact.js';

describe(redact.name, () => {
  it('returns secret fields masked and other fields unchanged', () => {
    const input = {
      login: 'alice',
      role: 'admin',
      port: 5432,
      password: 'p',
      ssh_passphrase: 'pp',
      client_secret: 's',
      access_token: 't',
      Authorization: 'Bearer x',
      private_key: 'k',
      privateKey: 'k2',
      api_key: 'a',
    };
    assert.deepEqual(redact(input), {
      login: 'alice',
      role: 'admin',
      port: 5432,
      password: REDACTED,
      ssh_passphrase: REDACTED,
      client_secret: REDACTED,
      access_token: REDACTED,
      Authorization: REDACTED,
      private_key: REDACTED,
      privateKey: REDACTED,
      api_key: REDACTED,
    });
  });

  it('returns nested objects and arrays with their secret fields masked', () => {
    const input = {
      server: { host: 'db1', ssh: { user: 'u', password: 'p' } },
      servers: [{ name: 'a', password: 'p1' }, { name: 'b' }, 'text', 3],
    };
    assert.deepEqual(redact(input), {
      server: { host: 'db1', ssh: { user: 'u', password: REDACTED } },
      servers: [{ name: 'a', password: REDACTED }, { name: 'b' }, 'text', 3],
    });
  });

  it('returns a whole secret value masked, even when it is an object', () => {
    assert.deepEqual(redact({ secret: { nested: 'x' } }), { secret: REDACTED });
  });

  it('returns secrets masked however deep they are nested', () => {
    let input: Record<string, unknown> = { password: 'deep-secret' };
    for (let level = 0; level < 20; level++) input = { child: input };
    const text = JSON.stringify(redact(input));
    assert.ok(!text.includes('deep-secret'), text);
  });

  it('returns primitives and null as they are, and leaves its input untouched', () => {
    assert.equal(redact('password'), 'password');
    assert.equal(redact(42), 42);
    assert.equal(redact(null), null);
    assert.equal(redact(undefined), undefined);
    const input = { password: 'p', list: [{ token: 't' }] };
    redact(input);
    assert.deepEqual(input, { password: 'p', list: [{ token: 't' }] });
  });
});

describe(redactUrl.name, () => {
  it('returns a postgres URL with its password masked', () => {
    assert.equal(
      redactUrl('postgres://pgmon:s3cret@db.example.com:5432/pgmon'),
      `postgres://pgmon:${REDACTED}@db.example.com:5432/pgmon`,
    );
    assert.equal(
      redactUrl('postgresql://pgmon:s%40cret@10.0.0.1/pgmon?sslmode=require'),
      `postgresql://pgmon:${REDACTED}@10.0.0.1/pgmon?sslmode=require`,
    );
  });

  it('returns a URL without a password unchanged', () => {
    for (const url of ['postgres://pgmon@db/pgmon', 'postgres://db:5432/pgmon', 'postgres://db']) {
      assert.equal(redactUrl(url), url);
    }
  });

  // pg accepts both (pg-connection-string reads the last `@` as the end of the user info).
  it('returns no part of a password that contains a raw @', () => {
    const masked = redactUrl('postgres://pgmon:p@ss@db.example.com/pgmon');
    assert.ok(!masked.includes('ss@'), masked);
    assert.ok(masked.endsWith('@db.example.com/pgmon'), masked);
  });

  it('returns a password given as a query parameter masked', () => {
    const masked = redactUrl('postgres://pgmon@db.example.com/pgmon?password=topsecret');
    assert.ok(!masked.includes('topsecret'), masked);
  });
});

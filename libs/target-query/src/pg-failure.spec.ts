import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CleartextPasswordRefusedError } from '#pool';
import { SecretDecryptError } from '#secrets';
import { describePgFailure, timeoutFailure, type PgFailure } from './pg-failure.js';

const CONTEXT = {
  host: 'db.example.com',
  port: 5433,
  user: 'monitor',
  database: 'appdb',
  timeoutMs: 3000,
};

/** A driver or server error: an Error with a code (SQLSTATE or errno). */
function pgError(code: string | undefined, message = 'raw driver text'): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

/** Raw text that must never reach a failure: server-controlled, or naming local files. */
const RAW = 'FATAL: /var/lib/postgresql/15/main/pg_hba.conf line 3 s3cr3t-value';

function assertSafe(failure: PgFailure): void {
  assert.doesNotMatch(failure.reason, /ok/i, `reason "${failure.reason}" contains "ok"`);
  assert.ok(!failure.message.includes(RAW), 'the raw error text is not passed on');
  assert.ok(!failure.message.includes('s3cr3t'), 'the raw error text is not passed on');
  assert.ok(failure.reason.length > 0 && failure.message.length > 0);
}

const SQLSTATE_CASES: [string, string, string][] = [
  ['28P01', 'authentication_failed', 'authentication failed'],
  ['28000', 'access_denied', 'access denied'],
  ['3D000', 'database_not_found', 'database does not exist'],
  ['53300', 'too_many_connections', 'too many connections'],
  ['57P03', 'starting_up', 'server starting up'],
  ['57P01', 'shutting_down', 'server shutting down'],
  ['42501', 'permission_denied', 'permission denied'],
  ['XX000', 'server_error', 'server error'],
  ['42601', 'server_error', 'server error'],
];

const NETWORK_CASES: [string, Error, string, string][] = [
  ['ECONNREFUSED', pgError('ECONNREFUSED', RAW), 'connection_refused', 'connection refused'],
  ['EHOSTUNREACH', pgError('EHOSTUNREACH', RAW), 'host_unreachable', 'host unreachable'],
  ['ENETUNREACH', pgError('ENETUNREACH', RAW), 'host_unreachable', 'host unreachable'],
  ['ENOTFOUND', pgError('ENOTFOUND', RAW), 'host_not_found', 'host not found'],
  ['EAI_AGAIN', pgError('EAI_AGAIN', RAW), 'host_not_found', 'host not found'],
  ['ETIMEDOUT', pgError('ETIMEDOUT', RAW), 'timeout', 'timeout'],
  [
    'the pool connect timeout',
    pgError(undefined, 'timeout exceeded when trying to connect'),
    'timeout',
    'timeout',
  ],
  [
    'the client connect timeout',
    pgError(undefined, 'Connection terminated due to connection timeout'),
    'timeout',
    'timeout',
  ],
  ['a query read timeout', pgError(undefined, 'Query read timeout'), 'timeout', 'timeout'],
  [
    'a server without TLS',
    pgError(undefined, 'The server does not support SSL connections'),
    'tls_error',
    'TLS error',
  ],
  ['a certificate error', pgError('ERR_TLS_CERT_ALTNAME_INVALID', RAW), 'tls_error', 'TLS error'],
  ['ECONNRESET', pgError('ECONNRESET', RAW), 'connection_lost', 'connection lost'],
  ['EPIPE', pgError('EPIPE', RAW), 'connection_lost', 'connection lost'],
  [
    'a connection terminated',
    pgError(undefined, 'Connection terminated unexpectedly'),
    'connection_lost',
    'connection lost',
  ],
];

describe('describePgFailure', () => {
  for (const [sqlstate, code, reason] of SQLSTATE_CASES) {
    it(`returns ${code} for SQLSTATE ${sqlstate}`, () => {
      const failure = describePgFailure(pgError(sqlstate, RAW), CONTEXT);
      assert.equal(failure.code, code);
      assert.equal(failure.reason, reason);
      assertSafe(failure);
    });
  }

  for (const [what, error, code, reason] of NETWORK_CASES) {
    it(`returns ${code} for ${what}`, () => {
      const failure = describePgFailure(error, CONTEXT);
      assert.equal(failure.code, code);
      assert.equal(failure.reason, reason);
      assertSafe(failure);
    });
  }

  it('names the user in an authentication failure and the target in a refusal', () => {
    assert.match(describePgFailure(pgError('28P01'), CONTEXT).message, /"monitor"/);
    assert.match(describePgFailure(pgError('3D000'), CONTEXT).message, /"appdb"/);
    assert.match(
      describePgFailure(pgError('ECONNREFUSED'), CONTEXT).message,
      /db\.example\.com:5433/,
    );
    assert.match(describePgFailure(pgError('ETIMEDOUT'), CONTEXT).message, /3000 ms/);
  });

  it('returns secret_unreadable for a password that cannot be decrypted', () => {
    const failure = describePgFailure(new SecretDecryptError('sealed with key abcd1234'), CONTEXT);
    assert.equal(failure.code, 'secret_unreadable');
    assert.equal(failure.reason, 'stored password unreadable');
    assertSafe(failure);
  });

  it('returns cleartext_password_refused for a clear-text password request that was refused', () => {
    const failure = describePgFailure(new CleartextPasswordRefusedError(), CONTEXT);
    assert.equal(failure.code, 'cleartext_password_refused');
    assert.equal(failure.reason, 'clear-text password refused');
    assert.match(failure.message, /clear text.*without TLS/);
    assertSafe(failure);
  });

  for (const [what, error] of [
    ['an error without a code', new Error(RAW)],
    ['a string', RAW],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a lower-case code', pgError('eperm', RAW)],
  ] as [string, unknown][]) {
    it(`returns unknown for ${what}`, () => {
      const failure = describePgFailure(error, CONTEXT);
      assert.equal(failure.code, 'unknown');
      assertSafe(failure);
    });
  }

  it('returns reasons without "ok" for every code it knows', () => {
    const errors: unknown[] = [
      ...SQLSTATE_CASES.map(([sqlstate]) => pgError(sqlstate)),
      ...NETWORK_CASES.map(([, error]) => error),
      new SecretDecryptError('x'),
      new CleartextPasswordRefusedError(),
      undefined,
    ];
    const reasons = new Set(errors.map((error) => describePgFailure(error, CONTEXT).reason));
    assert.ok(reasons.size >= 15, `${reasons.size} distinct reasons`);
    for (const reason of reasons) assert.doesNotMatch(reason, /ok/i);
  });
});

describe('timeoutFailure', () => {
  it('returns a timeout naming the deadline', () => {
    assert.deepEqual(timeoutFailure({ timeoutMs: 1500 }), {
      code: 'timeout',
      reason: 'timeout',
      message: 'no answer within 1500 ms',
    });
  });
});

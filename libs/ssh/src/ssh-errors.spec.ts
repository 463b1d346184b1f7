import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SSH_ERROR_REASONS, SshError, toSshError, type SshErrorCode } from './ssh-errors.js';

function errnoError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.0.0.1:22`), { code });
}

function levelError(message: string, level: string): Error {
  return Object.assign(new Error(message), { level });
}

/** ssh2's SFTP status errors carry the numeric status in `code`. */
function sftpError(status: number): Error {
  return Object.assign(new Error('sftp status'), { code: status });
}

describe(SshError.name, () => {
  it('returns reasons that never contain "ok", as statuses require', () => {
    for (const reason of Object.values(SSH_ERROR_REASONS)) {
      assert.doesNotMatch(reason, /ok/i);
    }
    assert.doesNotMatch(toSshError(sftpError(3)).reason, /ok/i);
  });

  it('returns "SSH <reason>: <detail>" as its message', () => {
    const error = new SshError('timeout', { detail: 'no result within 5 ms' });
    assert.equal(error.message, 'SSH timeout: no result within 5 ms');
    assert.equal(error.reason, 'timeout');
    assert.equal(error.name, 'SshError');
  });
});

describe('toSshError', () => {
  const cases: [string, unknown, SshErrorCode][] = [
    ['ECONNREFUSED', errnoError('ECONNREFUSED'), 'connection_refused'],
    ['EHOSTUNREACH', errnoError('EHOSTUNREACH'), 'host_unreachable'],
    ['ENETUNREACH', errnoError('ENETUNREACH'), 'host_unreachable'],
    ['ENOTFOUND', errnoError('ENOTFOUND'), 'host_not_found'],
    ['EAI_AGAIN', errnoError('EAI_AGAIN'), 'host_not_found'],
    ['ETIMEDOUT', errnoError('ETIMEDOUT'), 'timeout'],
    [
      'the handshake timeout',
      levelError('Timed out while waiting for handshake', 'client-timeout'),
      'timeout',
    ],
    [
      'failed authentication',
      levelError('All configured authentication methods failed', 'client-authentication'),
      'authentication_failed',
    ],
    [
      'failed authentication without a level',
      new Error('All configured authentication methods failed'),
      'authentication_failed',
    ],
    ['SFTP "no such file"', sftpError(2), 'path_not_found'],
    ['SFTP "permission denied"', sftpError(3), 'command_failed'],
    ['a protocol failure', levelError('Bad packet length', 'protocol'), 'protocol_error'],
    ['a non-Error', 'boom', 'protocol_error'],
  ];
  for (const [what, error, code] of cases) {
    it(`returns ${code} for ${what}`, () => {
      assert.equal(toSshError(error).code, code);
    });
  }

  it('returns an SshError unchanged', () => {
    const error = new SshError('host_key_changed', { expectedHostKey: 'a', actualHostKey: 'b' });
    assert.equal(toSshError(error), error);
  });

  it('returns the original error as cause, for server-side logs', () => {
    const original = errnoError('ECONNREFUSED');
    assert.equal(toSshError(original).cause, original);
  });
});

/**
 * SshService against a second, private OpenSSH server without the SFTP subsystem: the df
 * fallback over a real remote shell, and what sshd's log says reached it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestingModule } from '@nestjs/testing';
import ssh2 from 'ssh2';
import { SshService, type SshTarget } from '#ssh';
import { sleep } from '../support/proc.js';
import type { SshUser } from '../support/targets-info.js';
import { timed } from '../support/timing.js';
import {
  assertMatchesLocalStatfs,
  createSshModule,
  dataDir,
  FORBIDDEN_PATH,
  freshKey,
  keyTarget,
  keyUser,
  MISSING_PATH,
  NO_PASSWORD_USER,
  passwordTarget,
  passwordUser,
  rejection,
  targets,
  WRONG_FINGERPRINT,
} from './fixtures.js';
import { startPrivateSshd, type PrivateSshd } from './private-sshd.js';

describe(`${SshService.name} against a server without SFTP`, () => {
  let configDir: string;
  let moduleRef: TestingModule;
  let service: SshService;
  let privateSshd: PrivateSshd;

  before(async () => {
    configDir = mkdtempSync(path.join(tmpdir(), 'pgmon-ssh-e2e-'));
    moduleRef = await createSshModule(configDir);
    await moduleRef.init();
    service = moduleRef.get(SshService);
    const publicKey = ssh2.utils.parseKey(keyUser.privateKey ?? '');
    if (publicKey instanceof Error) throw publicKey;
    privateSshd = await startPrivateSshd({
      dir: targets.workDir,
      authorizedKeys: {
        [keyUser.login]: `${publicKey.type} ${publicKey.getPublicSSH().toString('base64')}\n`,
      },
      passwordLogin: passwordUser?.login,
    });
  });

  after(async () => {
    await privateSshd.stop();
    await moduleRef.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  const target = () => keyTarget(privateSshd.port, privateSshd.hostKeyFingerprint);

  it('returns the disk usage read with df, matching statfs', async (t) => {
    const { value: result, ms } = await timed(() =>
      service.diskUsage(target(), dataDir, { cacheKey: freshKey() }),
    );
    t.diagnostic(`fresh df fallback over SSH: ${ms.toFixed(1)} ms`);
    assert.equal(result.usage.method, 'df');
    assertMatchesLocalStatfs(result);
  });

  it('throws path_not_found from df for a path that does not exist', async () => {
    const error = await rejection(
      service.diskUsage(target(), MISSING_PATH, { cacheKey: freshKey() }),
    );
    assert.equal(error.code, 'path_not_found', error.message);
  });

  it('throws command_failed "permission denied" from df for an unsearchable path', async () => {
    const error = await rejection(
      service.diskUsage(target(), FORBIDDEN_PATH, { cacheKey: freshKey() }),
    );
    assert.equal(error.code, 'command_failed', error.message);
    assert.equal(error.reason, 'permission denied');
  });

  it('does not execute hostile paths in the remote shell', async () => {
    const pwned = path.join(tmpdir(), `pwned-${randomBytes(6).toString('hex')}`);
    const hostile: [string, string][] = [
      [`/tmp/x'; touch ${pwned}; '`, 'path not found'],
      [`/tmp/$(touch ${pwned})`, 'path not found'],
      [`/tmp/\`touch ${pwned}\``, 'path not found'],
      [`/tmp/x\ntouch ${pwned}`, 'unsafe path'],
    ];
    for (const [text, reason] of hostile) {
      const error = await rejection(service.diskUsage(target(), text, { cacheKey: freshKey() }));
      assert.equal(error.reason, reason, error.message);
    }
    assert.equal(existsSync(pwned), false);
  });

  const credentials = [
    { kind: 'password', method: 'password', skip: passwordUser ? false : NO_PASSWORD_USER },
    { kind: 'key', method: 'publickey', skip: false },
  ] as const;
  for (const { kind, method, skip } of credentials) {
    it(
      `never offers the ${kind} to a server whose host key differs from the pinned one`,
      { skip },
      async () => {
        const correct: SshTarget =
          kind === 'password'
            ? passwordTarget(passwordUser as SshUser, passwordUser?.password ?? '')
            : keyTarget();
        const target = { ...correct, port: privateSshd.port };
        const offset = await privateSshd.logOffset();
        const impostor = { ...target, pinnedHostKey: WRONG_FINGERPRINT };
        const error = await rejection(
          service.diskUsage(impostor, dataDir, { cacheKey: freshKey() }),
        );
        assert.equal(error.code, 'host_key_changed');
        // sshd has logged all it will about that connection once it saw the disconnect.
        const impostorLog = await logWhen(privateSshd, offset, /Disconnected from .*\[preauth\]/);
        assert.doesNotMatch(impostorLog, new RegExp(method, 'i'));
        // The control: the same credential with the right pin reaches sshd, which logs it.
        const controlOffset = await privateSshd.logOffset();
        const pinned = { ...target, pinnedHostKey: privateSshd.hostKeyFingerprint };
        await service.diskUsage(pinned, dataDir, { cacheKey: freshKey() });
        const controlLog = await privateSshd.logSince(controlOffset);
        assert.match(controlLog, new RegExp(`Accepted ${method} for ${target.username} `));
      },
    );
  }
});

/** The log since `offset`, once it matches `pattern` (sshd writes it asynchronously). */
async function logWhen(sshd: PrivateSshd, offset: number, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const log = await sshd.logSince(offset);
    if (pattern.test(log)) return log;
    if (Date.now() > deadline) assert.fail(`sshd did not log ${String(pattern)}:\n${log}`);
    await sleep(25);
  }
}

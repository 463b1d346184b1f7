/**
 * SshService against the real OpenSSH server of the test harness, a real PostgreSQL data
 * directory and the harness's closed and silent ports.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestingModule } from '@nestjs/testing';
import { SshService, type SshErrorCode, type SshTarget } from '#ssh';
import { ed25519KeyPairSync } from '#ssh-keys';
import type { SshUser } from '../support/targets-info.js';
import { timed } from '../support/timing.js';
import {
  assertMatchesLocalStatfs,
  createSshModule,
  dataDir,
  eventually,
  FORBIDDEN_PATH,
  freshKey,
  keyTarget,
  keyUser,
  MISSING_PATH,
  NO_PASSWORD_USER,
  passwordTarget,
  passwordUser,
  rejection,
  sshd,
  targets,
  tcpHandles,
  WRONG_FINGERPRINT,
  WRONG_PASSPHRASE,
} from './fixtures.js';
import { startTcpCounter, type TcpCounter } from './tcp-counter.js';

describe(SshService.name, () => {
  let configDir: string;
  let moduleRef: TestingModule;
  let service: SshService;
  let counter: TcpCounter;
  let baselineHandles: number;

  before(async () => {
    configDir = mkdtempSync(path.join(tmpdir(), 'pgmon-ssh-e2e-'));
    moduleRef = await createSshModule(configDir);
    await moduleRef.init();
    service = moduleRef.get(SshService);
    counter = await startTcpCounter(sshd.port);
    baselineHandles = tcpHandles();
  });

  after(async () => {
    await counter.close();
    await moduleRef.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('returns the disk usage with an ed25519 key and the host key seen', async (t) => {
      const { value: result, ms } = await timed(() =>
        service.diskUsage(keyTarget(), dataDir, { cacheKey: freshKey() }),
      );
      t.diagnostic(`fresh statvfs over SSH (connect, key auth, SFTP): ${ms.toFixed(1)} ms`);
      assert.equal(result.usage.method, 'statvfs');
      assert.equal(result.usage.path, dataDir);
      assert.equal(result.firstContact, true);
      assert.equal(result.cached, false);
      assert.equal(result.hostKey, sshd.hostKeyFingerprint);
      assert.ok(Math.abs(result.checkedAt.getTime() - Date.now()) < 10_000);
      assertMatchesLocalStatfs(result);
    });

    it('returns the disk usage with a passphrase-protected PEM RSA key', async () => {
      const rsaKey = keyUser.rsaKey ?? '';
      const passphrase = keyUser.rsaPassphrase;
      const target: SshTarget = {
        ...keyTarget(),
        auth: { type: 'key', privateKey: () => rsaKey, passphrase: () => passphrase },
      };
      const result = await service.diskUsage(target, dataDir, { cacheKey: freshKey() });
      assertMatchesLocalStatfs(result);
    });

    it('throws invalid_private_key for a wrong passphrase, without connecting', async () => {
      const rsaKey = keyUser.rsaKey ?? '';
      const target: SshTarget = {
        ...keyTarget(counter.port),
        auth: { type: 'key', privateKey: () => rsaKey, passphrase: () => WRONG_PASSPHRASE },
      };
      const before = counter.accepted;
      const error = await rejection(service.diskUsage(target, dataDir, { cacheKey: freshKey() }));
      assert.equal(error.code, 'invalid_private_key');
      assert.equal(error.reason, 'invalid private key');
      assert.ok(!error.message.includes(WRONG_PASSPHRASE));
      assert.ok(!error.message.includes(rsaKey.split('\n')[1] ?? 'unreachable'));
      assert.equal(counter.accepted, before, 'no connection for an unusable key');
    });

    it('throws authentication_failed for a key the server does not know', async () => {
      const { private: stranger } = ed25519KeyPairSync();
      const target: SshTarget = {
        ...keyTarget(),
        auth: { type: 'key', privateKey: () => stranger },
      };
      const error = await rejection(service.diskUsage(target, dataDir, { cacheKey: freshKey() }));
      assert.equal(error.code, 'authentication_failed');
    });

    it(
      'returns the disk usage with password authentication',
      { skip: passwordUser ? false : NO_PASSWORD_USER },
      async () => {
        const user = passwordUser as SshUser;
        const target = passwordTarget(user, user.password ?? '');
        const result = await service.diskUsage(target, dataDir, { cacheKey: freshKey() });
        assertMatchesLocalStatfs(result);
      },
    );

    it(
      'throws authentication_failed quickly for a wrong password, which it does not reveal',
      { skip: passwordUser ? false : NO_PASSWORD_USER },
      async (t) => {
        const target = passwordTarget(passwordUser as SshUser, 'wrong-password-123');
        const started = performance.now();
        const error = await rejection(
          service.diskUsage(target, dataDir, { cacheKey: freshKey(), timeoutMs: 10_000 }),
        );
        const elapsed = performance.now() - started;
        t.diagnostic(`wrong password refused in ${elapsed.toFixed(0)} ms`);
        assert.equal(error.code, 'authentication_failed');
        assert.ok(elapsed < 4000, 'well before the deadline');
        assert.ok(!error.message.includes('wrong-password-123'));
      },
    );
  });

  describe('host key pinning', () => {
    it('returns the disk usage when the pinned key matches', async () => {
      const target = keyTarget(sshd.port, sshd.hostKeyFingerprint);
      const result = await service.diskUsage(target, dataDir, { cacheKey: freshKey() });
      assert.equal(result.firstContact, false);
      assert.equal(result.hostKey, sshd.hostKeyFingerprint);
    });

    it('throws host_key_changed with both fingerprints when the pinned key differs', async () => {
      const target = keyTarget(sshd.port, WRONG_FINGERPRINT);
      const error = await rejection(service.diskUsage(target, dataDir, { cacheKey: freshKey() }));
      assert.equal(error.code, 'host_key_changed');
      assert.equal(error.reason, 'host key changed');
      assert.equal(error.expectedHostKey, WRONG_FINGERPRINT);
      assert.equal(error.actualHostKey, sshd.hostKeyFingerprint);
    });
  });

  describe('network failures', () => {
    it('throws connection_refused for a closed port', async () => {
      const target = keyTarget(targets.closedPort);
      const error = await rejection(service.diskUsage(target, dataDir, { cacheKey: freshKey() }));
      assert.equal(error.code, 'connection_refused');
      assert.equal(error.reason, 'connection refused');
    });

    it('throws timeout within the deadline for a server that never answers', async () => {
      const target = keyTarget(targets.silentPort);
      const timeoutMs = 800;
      const started = performance.now();
      const error = await rejection(
        service.diskUsage(target, dataDir, { cacheKey: freshKey(), timeoutMs }),
      );
      const elapsed = performance.now() - started;
      assert.equal(error.code, 'timeout');
      assert.ok(elapsed >= timeoutMs - 50, `not before the deadline (${elapsed} ms)`);
      assert.ok(elapsed < timeoutMs + 400, `soon after the deadline (${elapsed} ms)`);
    });

    it('throws protocol_error for a server that hangs up during the handshake', async () => {
      const dead = await startTcpCounter();
      try {
        const target = keyTarget(dead.port);
        const error = await rejection(service.diskUsage(target, dataDir, { cacheKey: freshKey() }));
        assert.equal(error.code, 'protocol_error');
        assert.doesNotMatch(error.reason, /ok/i);
      } finally {
        await dead.close();
      }
    });
  });

  describe('paths', () => {
    it('throws path_not_found for a path that does not exist', async () => {
      const error = await rejection(
        service.diskUsage(keyTarget(), MISSING_PATH, { cacheKey: freshKey() }),
      );
      assert.equal(error.code, 'path_not_found', error.message);
    });

    it('throws command_failed "permission denied" for a path the user may not search', async () => {
      const error = await rejection(
        service.diskUsage(keyTarget(), FORBIDDEN_PATH, { cacheKey: freshKey() }),
      );
      assert.equal(error.code, 'command_failed', error.message);
      assert.equal(error.reason, 'permission denied');
    });

    it('does not execute a hostile path', async () => {
      const pwned = path.join(tmpdir(), `pwned-${randomBytes(6).toString('hex')}`);
      for (const hostile of [`/tmp/x'; touch ${pwned}; '`, `/tmp/$(touch ${pwned})`]) {
        const error = await rejection(
          service.diskUsage(keyTarget(), hostile, { cacheKey: freshKey() }),
        );
        assert.equal(error.code, 'path_not_found', error.message);
      }
      assert.equal(existsSync(pwned), false);
    });

    it('throws path_not_found for a relative path, without connecting', async () => {
      const before = counter.accepted;
      const error = await rejection(
        service.diskUsage(keyTarget(counter.port), 'data', { cacheKey: freshKey() }),
      );
      assert.equal(error.code, 'path_not_found', error.message);
      assert.equal(counter.accepted, before);
    });
  });

  describe('cache', () => {
    it('returns the second call within the TTL from the cache, with one session', async (t) => {
      const cacheKey = freshKey();
      const before = counter.accepted;
      const first = await service.diskUsage(keyTarget(counter.port), dataDir, { cacheKey });
      const { value: second, ms } = await timed(() =>
        service.diskUsage(keyTarget(counter.port), dataDir, { cacheKey }),
      );
      t.diagnostic(`cached call: ${ms.toFixed(2)} ms`);
      assert.equal(first.cached, false);
      assert.equal(second.cached, true);
      assert.deepEqual(second.usage, first.usage);
      assert.equal(second.checkedAt.getTime(), first.checkedAt.getTime());
      assert.equal(counter.accepted - before, 1);
    });

    it('returns concurrent calls with one cache key from one shared session', async () => {
      const cacheKey = freshKey();
      const before = counter.accepted;
      const calls = Array.from({ length: 5 }, () =>
        service.diskUsage(keyTarget(counter.port), dataDir, { cacheKey }),
      );
      const results = await Promise.all(calls);
      assert.equal(counter.accepted - before, 1);
      assert.equal(new Set(results.map((r) => r.checkedAt.getTime())).size, 1);
    });

    it('returns a fresh read with bypassCache, and caches it', async (t) => {
      const cacheKey = freshKey();
      const first = await service.diskUsage(keyTarget(counter.port), dataDir, { cacheKey });
      const before = counter.accepted;
      const { value: fresh, ms } = await timed(() =>
        service.diskUsage(keyTarget(counter.port), dataDir, { cacheKey, bypassCache: true }),
      );
      t.diagnostic(`fresh statvfs over SSH, warm process: ${ms.toFixed(1)} ms`);
      assert.equal(counter.accepted - before, 1);
      assert.equal(fresh.cached, false);
      assert.ok(fresh.checkedAt.getTime() >= first.checkedAt.getTime());
      const after = await service.diskUsage(keyTarget(counter.port), dataDir, { cacheKey });
      assert.equal(after.cached, true);
      assert.equal(after.checkedAt.getTime(), fresh.checkedAt.getTime());
    });

    it('throws a cached failure again without a new session', async () => {
      const cacheKey = freshKey();
      const target = keyTarget(counter.port, WRONG_FINGERPRINT);
      const before = counter.accepted;
      const first = await rejection(service.diskUsage(target, dataDir, { cacheKey }));
      const second = await rejection(service.diskUsage(target, dataDir, { cacheKey }));
      assert.equal(counter.accepted - before, 1);
      assert.equal(second.code, 'host_key_changed');
      assert.equal(second.actualHostKey, first.actualHostKey);
      assert.equal(second.expectedHostKey, WRONG_FINGERPRINT);
    });
  });

  describe('resources', () => {
    it('leaves no socket open after successes, failures and timeouts', async () => {
      const calls: [SshTarget, string, SshErrorCode | null][] = [
        [keyTarget(counter.port), dataDir, null],
        [keyTarget(counter.port), '/no/such/path', 'path_not_found'],
        [keyTarget(counter.port, WRONG_FINGERPRINT), dataDir, 'host_key_changed'],
        [keyTarget(targets.silentPort), dataDir, 'timeout'],
        [keyTarget(targets.closedPort), dataDir, 'connection_refused'],
      ];
      for (const [target, where, code] of calls) {
        const call = service.diskUsage(target, where, { cacheKey: freshKey(), timeoutMs: 500 });
        if (code === null) await call;
        else assert.equal((await rejection(call)).code, code);
      }
      await eventually(() => counter.open === 0, `${counter.open} relayed connection(s) open`);
      await eventually(
        () => tcpHandles() <= baselineHandles,
        `${tcpHandles()} TCP handles, ${baselineHandles} at the start`,
      );
    });

    it('closes in-flight sessions on application shutdown', async () => {
      const own = await createSshModule(configDir);
      await own.init();
      const handlesBefore = tcpHandles();
      // rejection() takes the promise at once: the failure must not go unhandled meanwhile.
      const failure = rejection(
        own.get(SshService).diskUsage(keyTarget(targets.silentPort), dataDir, {
          cacheKey: freshKey(),
          timeoutMs: 20_000,
        }),
      );
      await eventually(() => tcpHandles() > handlesBefore, 'the session connected');
      const started = performance.now();
      await own.close();
      const error = await failure;
      assert.ok(performance.now() - started < 2000, 'long before the 20 s deadline');
      assert.doesNotMatch(error.reason, /ok/i);
      await eventually(() => tcpHandles() <= handlesBefore, 'the session socket closed');
    });
  });
});

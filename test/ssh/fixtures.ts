/**
 * Shared pieces of the SSH e2e tests: targets on the harness's real sshd, a Nest testing
 * module with SshModule, and assertions.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statfsSync } from 'node:fs';
import path from 'node:path';
import { AppCacheModule } from '#cache';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AppConfig, buildAppConfig, envSchema } from '#config';
import { MetricsModule } from '#metrics';
import {
  fingerprintOf,
  sshCacheKey,
  SshError,
  SshModule,
  type DiskUsageResult,
  type SshTarget,
} from '#ssh';
import { sleep } from '../support/proc.js';
import { readTargets, type SshUser } from '../support/targets-info.js';

export const targets = readTargets();
export const { ssh: sshd } = targets;
export const { keyUser, passwordUser } = sshd;
export const dataDir = targets.pg.main.dataDir;
export const NO_PASSWORD_USER = 'no ssh password user (the tests do not run as root)';

let lastServerId = 0;
/** A server id nobody else used in this test file. */
export function freshServerId(): number {
  return ++lastServerId;
}

/** A cache key nobody else used in this file, so every test starts uncached. */
export function freshKey(): string {
  return sshCacheKey(freshServerId(), 1);
}

export function keyTarget(port = sshd.port, pinnedHostKey: string | null = null): SshTarget {
  const privateKey = keyUser.privateKey ?? '';
  return {
    host: sshd.host,
    port,
    username: keyUser.login,
    auth: { type: 'key', privateKey: () => privateKey },
    pinnedHostKey,
  };
}

export function passwordTarget(
  user: SshUser,
  password: string,
  pinned: string | null = null,
): SshTarget {
  return {
    host: sshd.host,
    port: sshd.port,
    username: user.login,
    auth: { type: 'password', password: () => password },
    pinnedHostKey: pinned,
  };
}

export const WRONG_PASSPHRASE = `not-the-passphrase-${randomBytes(4).toString('hex')}`;
/** Exists nowhere, in a directory everybody may search (unlike the 0700 data directory). */
export const MISSING_PATH = path.join(
  path.dirname(dataDir),
  `no-such-directory-${randomBytes(4).toString('hex')}`,
);
/** Below the 0700 data directory: the SSH user may not even look. */
export const FORBIDDEN_PATH = path.join(dataDir, 'base');

/** A fingerprint of the right shape that is not the server's. */
export const WRONG_FINGERPRINT = fingerprintOf(Buffer.from('not the host key'));

export async function rejection(promise: Promise<unknown>): Promise<SshError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SshError, `expected an SshError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected the call to fail');
}

export function assertMatchesLocalStatfs(result: DiskUsageResult): void {
  const { usage } = result;
  const local = statfsSync(dataDir);
  assert.ok(usage.totalBytes > usage.availableBytes, 'total > available');
  assert.ok(usage.availableBytes > 0, 'available > 0');
  assert.ok(usage.freeBytes >= usage.availableBytes, 'free >= available');
  const close = (a: number, b: number) => Math.abs(a - b) <= 0.01 * b;
  assert.ok(close(usage.totalBytes, local.blocks * local.bsize), 'total within 1% of statfs');
  assert.ok(close(usage.availableBytes, local.bavail * local.bsize), 'available within 1%');
}

export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

/** Waits until `check` holds (sockets close asynchronously), failing after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`still not true after ${ms} ms: ${what}`);
    await sleep(25);
  }
}

@Global()
@Module({})
export class TestConfigModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: TestConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}

export async function createSshModule(configDir: string): Promise<TestingModule> {
  const config = buildAppConfig(
    envSchema.parse({
      DATA_DIR: configDir,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    }),
  );
  return Test.createTestingModule({
    imports: [TestConfigModule.forConfig(config), MetricsModule, AppCacheModule, SshModule],
  }).compile();
}

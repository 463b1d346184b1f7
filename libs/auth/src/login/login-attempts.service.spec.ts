import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpStatus } from '@nestjs/common';
import type { AppConfig } from '#config';
import { MemoryLoginAttemptStore } from './login-attempt.store.js';
import {
  KNOWN_ADDRESS_DAYS,
  LoginAttemptsService,
  LoginLockedException,
  type LoginAttempt,
} from './login-attempts.service.js';

const WINDOW_SECONDS = 60;
const T0 = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

function attempts(maxFailures = 3): LoginAttemptsService {
  const config: Pick<AppConfig, 'auth'> = {
    auth: {
      secretKey: 'unused',
      tokenTtlMinutes: 60,
      refreshTokenDays: 7,
      adminPassword: undefined,
      loginMaxFailures: maxFailures,
      loginFailureWindowSeconds: WINDOW_SECONDS,
      metricsToken: undefined,
    },
  };
  return new LoginAttemptsService(config as AppConfig, new MemoryLoginAttemptStore());
}

/** A failed login: begun (so counted) and never succeeded. */
async function fail(
  service: LoginAttemptsService,
  login: string,
  address: string,
  at: number,
): Promise<void> {
  await service.begin(login, address, at);
}

/** A successful login at `at`. */
async function succeed(
  service: LoginAttemptsService,
  login: string,
  address: string,
  at: number,
): Promise<void> {
  await service.succeeded(await service.begin(login, address, at), at);
}

async function lockout(
  service: LoginAttemptsService,
  login: string,
  address: string,
  at: number,
): Promise<LoginLockedException> {
  try {
    await service.begin(login, address, at);
  } catch (error) {
    assert.ok(error instanceof LoginLockedException, String(error));
    return error;
  }
  return assert.fail(`expected ${login} from ${address} to be locked out at ${at - T0} ms`);
}

describe(LoginAttemptsService.name, () => {
  describe('per address', () => {
    it('returns an attempt while the address is under the limit', async () => {
      const service = attempts(3);
      await fail(service, 'alice', '10.0.0.1', T0);
      await fail(service, 'bob', '10.0.0.1', T0 + 1000);
      const attempt = await service.begin('carol', '10.0.0.1', T0 + 2000);
      assert.equal(attempt.address, '10.0.0.1');
    });

    it('throws a 429 LoginLockedException at the limit, over every account, with the seconds until it lifts', async () => {
      const service = attempts(3);
      await fail(service, 'alice', '10.0.0.1', T0);
      await fail(service, 'bob', '10.0.0.1', T0 + 10_000);
      await fail(service, 'carol', '10.0.0.1', T0 + 20_000);
      const error = await lockout(service, 'dave', '10.0.0.1', T0 + 25_000);
      assert.equal(error.getStatus(), HttpStatus.TOO_MANY_REQUESTS);
      // The oldest failure leaves the 60 s window at T0 + 60 s: 35 s from now.
      assert.equal(error.retryAfterSeconds, 35);
      assert.match((error.getResponse() as { detail: string }).detail, /35 s/);
    });

    it('returns normally again once the oldest failure leaves the window', async () => {
      const service = attempts(3);
      for (const [login, at] of [
        ['a', T0],
        ['b', T0 + 10_000],
        ['c', T0 + 20_000],
      ] as const) {
        await fail(service, login, '10.0.0.1', at);
      }
      const { retryAfterSeconds } = await lockout(service, 'd', '10.0.0.1', T0 + 25_000);
      const liftsAt = T0 + 25_000 + retryAfterSeconds * 1000;
      await lockout(service, 'd', '10.0.0.1', liftsAt - 1);
      // This attempt fails too: locked again until the second failure expires.
      await fail(service, 'd', '10.0.0.1', liftsAt);
      assert.equal((await lockout(service, 'e', '10.0.0.1', liftsAt)).retryAfterSeconds, 10);
    });

    it('returns a retry delay of at least one second', async () => {
      const service = attempts(1);
      await fail(service, 'alice', '10.0.0.1', T0);
      const error = await lockout(service, 'bob', '10.0.0.1', T0 + WINDOW_SECONDS * 1000 - 1);
      assert.equal(error.retryAfterSeconds, 1);
    });

    it('counts each address on its own', async () => {
      const service = attempts(2);
      await fail(service, 'a', '10.0.0.1', T0);
      await fail(service, 'b', '10.0.0.1', T0);
      await lockout(service, 'c', '10.0.0.1', T0 + 1);
      await service.begin('c', '10.0.0.2', T0 + 1);
    });
  });

  describe('per account', () => {
    it('throws 429 once an account failed the limit from different addresses', async () => {
      const service = attempts(3);
      for (let i = 0; i < 3; i++) await fail(service, 'alice', `10.0.1.${i}`, T0 + i);
      const error = await lockout(service, 'alice', '10.0.1.99', T0 + 10);
      assert.equal(error.retryAfterSeconds, WINDOW_SECONDS);
      // Another account from a fresh address is not affected.
      await service.begin('bob', '10.0.1.100', T0 + 10);
    });

    it('counts the login in any case as one account', async () => {
      const service = attempts(3);
      for (const [i, login] of ['Alice', 'ALICE', 'alice'].entries()) {
        await fail(service, login, `10.0.2.${i}`, T0 + i);
      }
      await lockout(service, 'aLiCe', '10.0.2.9', T0 + 10);
    });

    it('returns normally again once enough failures left the window', async () => {
      const service = attempts(2);
      await fail(service, 'alice', '10.0.3.1', T0);
      await fail(service, 'alice', '10.0.3.2', T0 + 30_000);
      await lockout(service, 'alice', '10.0.3.3', T0 + 59_999);
      await service.begin('alice', '10.0.3.3', T0 + 60_000);
    });
  });

  describe('succeeded', () => {
    it('forgets the failures of that account from that address', async () => {
      const service = attempts(3);
      await fail(service, 'alice', '10.0.4.1', T0);
      await fail(service, 'alice', '10.0.4.1', T0 + 1);
      await succeed(service, 'alice', '10.0.4.1', T0 + 2);
      await fail(service, 'alice', '10.0.4.1', T0 + 3);
      await fail(service, 'alice', '10.0.4.1', T0 + 4);
      await service.begin('alice', '10.0.4.1', T0 + 5);
    });

    it('never forgets the failures on another account (guess, guess, own login, repeat)', async () => {
      const service = attempts(5);
      let at = T0;
      const guessed: number[] = [];
      try {
        for (let round = 0; round < 5; round++) {
          for (let guess = 0; guess < 4; guess++) {
            await fail(service, 'victim', '10.0.5.1', ++at);
            guessed.push(at);
          }
          await succeed(service, 'attacker', '10.0.5.1', ++at);
        }
      } catch (error) {
        assert.ok(error instanceof LoginLockedException, String(error));
      }
      assert.equal(guessed.length, 5, 'five guesses, then locked');
    });

    it('does not forget the account’s failures from other addresses', async () => {
      const service = attempts(3);
      await fail(service, 'alice', '10.0.6.1', T0);
      await fail(service, 'alice', '10.0.6.2', T0 + 1);
      await succeed(service, 'alice', '10.0.6.3', T0 + 2);
      await fail(service, 'alice', '10.0.6.4', T0 + 3);
      await lockout(service, 'alice', '10.0.6.5', T0 + 4);
    });
  });

  describe('known addresses (no lockout of the owner by guessing)', () => {
    async function lockedByOthers(service: LoginAttemptsService, at: number): Promise<void> {
      for (let i = 0; i < 3; i++) await fail(service, 'owner', `203.0.113.${i}`, at + i);
      await lockout(service, 'owner', '203.0.113.50', at + 10);
    }

    it('lets an address that logged into the account through while the account is locked', async () => {
      const service = attempts(3);
      await succeed(service, 'owner', '10.0.7.1', T0);
      await lockedByOthers(service, T0 + 1000);
      await succeed(service, 'OWNER', '10.0.7.1', T0 + 2000);
    });

    it(`stops knowing the address ${KNOWN_ADDRESS_DAYS} days after its last login`, async () => {
      const service = attempts(3);
      await succeed(service, 'owner', '10.0.7.2', T0);
      const later = T0 + KNOWN_ADDRESS_DAYS * DAY + 1;
      await lockedByOthers(service, later);
      await lockout(service, 'owner', '10.0.7.2', later + 20);
    });

    it('still applies the known address’s own limit', async () => {
      const service = attempts(3);
      await succeed(service, 'owner', '10.0.7.3', T0);
      for (let i = 0; i < 3; i++) await fail(service, 'owner', '10.0.7.3', T0 + 1 + i);
      await lockout(service, 'owner', '10.0.7.3', T0 + 10);
    });

    it('knows the address for that account only', async () => {
      const service = attempts(3);
      await succeed(service, 'someone-else', '10.0.7.4', T0);
      await lockedByOthers(service, T0 + 1);
      await lockout(service, 'owner', '10.0.7.4', T0 + 20);
    });
  });

  describe('abandoned', () => {
    it('forgets the failure of an attempt whose password was never checked', async () => {
      const service = attempts(2);
      const pending: LoginAttempt[] = [];
      for (let i = 0; i < 2; i++) pending.push(await service.begin('alice', '10.0.8.1', T0 + i));
      await lockout(service, 'alice', '10.0.8.1', T0 + 5);
      for (const attempt of pending) await service.abandoned(attempt);
      await service.begin('alice', '10.0.8.1', T0 + 6);
    });
  });
});

/** The ids of the entries under `key` since `since`. */
async function ids(store: MemoryLoginAttemptStore, key: string, since: number): Promise<string[]> {
  return (await store.list(key, since)).map((entry) => entry.id);
}

describe(MemoryLoginAttemptStore.name, () => {
  it('returns the entries since a time, oldest first', async () => {
    const store = new MemoryLoginAttemptStore();
    for (let i = 0; i < 3; i++) await store.add('k', { id: `e${i}`, at: T0 + i, tag: 't' }, 1000);
    assert.deepEqual(await ids(store, 'k', T0), ['e1', 'e2']);
  });

  it('drops entries older than the ttl when a key is written', async () => {
    const store = new MemoryLoginAttemptStore();
    await store.add('k', { id: 'old', at: T0, tag: 't' }, 1000);
    await store.add('k', { id: 'new', at: T0 + 1000, tag: 't' }, 1000);
    assert.deepEqual(await ids(store, 'k', 0), ['new']);
  });

  it('removes entries by id', async () => {
    const store = new MemoryLoginAttemptStore();
    await store.add('k', { id: 'a', at: T0, tag: 't' }, 1000);
    await store.add('k', { id: 'b', at: T0, tag: 't' }, 1000);
    await store.remove('k', ['a']);
    assert.deepEqual(await ids(store, 'k', 0), ['b']);
  });

  it('forgets the least recently written keys past 10 000 keys', async () => {
    const store = new MemoryLoginAttemptStore();
    await store.add('first', { id: 'x', at: T0, tag: 't' }, 1000);
    for (let i = 0; i < 10_000; i++)
      await store.add(`key-${i}`, { id: 'x', at: T0, tag: 't' }, 1000);
    assert.deepEqual(await store.list('first', 0), []);
    assert.equal((await store.list('key-0', 0)).length, 1);
    assert.equal((await store.list('key-9999', 0)).length, 1);
  });
});

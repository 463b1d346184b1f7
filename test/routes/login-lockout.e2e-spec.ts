import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { startTestApi, type TestApi } from '../support/api.js';

const MAX_FAILURES = 5;

describe('TokenController login lockout (LOGIN_MAX_FAILURES=5, TRUST_PROXY=true)', () => {
  let api: TestApi;
  let nextAddress = 1;
  /** A client address no other test uses (the app trusts X-Forwarded-For here). */
  const freshAddress = () => `198.51.100.${nextAddress++}`;

  function attempt(username: string, password: string, address: string): Promise<Response> {
    return api.http
      .post('/token')
      .set('X-Forwarded-For', address)
      .type('form')
      .send({ username, password });
  }

  function assertLocked(response: Response, what: string): void {
    assert.equal(response.status, 429, `${what}: ${response.status} ${response.text}`);
    const retryAfter = Number(response.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 900, `${what}: Retry-After ${retryAfter}`);
    assert.match((response.body as { detail: string }).detail, /Too many failed login attempts/);
  }

  before(async () => {
    api = await startTestApi({ LOGIN_MAX_FAILURES: String(MAX_FAILURES), TRUST_PROXY: 'true' });
  });

  after(async () => {
    await api?.close();
  });

  describe('POST /token', () => {
    it('locks an account guessed from many addresses, one guess each', async () => {
      const password = await api.createUser('lock-spread', 'viewer');
      for (let guess = 0; guess < MAX_FAILURES; guess++) {
        const response = await attempt('lock-spread', `wrong-${guess}`, freshAddress());
        assert.equal(response.status, 401, `guess ${guess + 1}`);
      }
      // Every further address is refused before its password is checked, the right one too.
      for (let extra = 0; extra < 25; extra++) {
        assertLocked(await attempt('lock-spread', `wrong-x${extra}`, freshAddress()), `${extra}`);
      }
      assertLocked(await attempt('lock-spread', password, freshAddress()), 'the right password');
      assertLocked(await attempt('LOCK-SPREAD', password, freshAddress()), 'in another case');
    });

    it('does not let the success of one account clear the failures on another', async () => {
      const victim = await api.createUser('lock-victim', 'viewer');
      const ownPassword = await api.createUser('lock-attacker', 'viewer');
      const address = freshAddress();
      let guesses = 0;
      let locked: Response | undefined;
      // 4 guesses at the victim, then a good login of the attacker's own account, repeated.
      for (let round = 0; round < 5 && !locked; round++) {
        for (let guess = 0; guess < MAX_FAILURES - 1; guess++) {
          const response = await attempt('lock-victim', `wrong-${round}-${guess}`, address);
          if (response.status === 429) {
            locked = response;
            break;
          }
          assert.equal(response.status, 401);
          guesses++;
        }
        if (!locked) await attempt('lock-attacker', ownPassword, address);
      }
      assert.ok(locked, `${guesses} guesses at the victim were never locked out`);
      assertLocked(locked, 'the victim');
      assert.equal(guesses, MAX_FAILURES);
      assertLocked(await attempt('lock-victim', victim, address), 'even with the right password');
    });

    it('lets the owner in from an address that logged in before while the account is locked', async () => {
      const password = await api.createUser('lock-owner', 'operator');
      const home = freshAddress();
      assert.equal((await attempt('lock-owner', password, home)).status, 200);
      for (let guess = 0; guess < MAX_FAILURES; guess++) {
        await attempt('lock-owner', `wrong-${guess}`, freshAddress());
      }
      assertLocked(await attempt('lock-owner', password, freshAddress()), 'a new address');
      const owner = await attempt('lock-owner', password, home);
      assert.equal(owner.status, 200, `the owner at home: ${owner.text}`);
      // The owner's address still counts its own failures.
      for (let guess = 0; guess < MAX_FAILURES; guess++) {
        assert.equal((await attempt('lock-owner', `typo-${guess}`, home)).status, 401);
      }
      assertLocked(await attempt('lock-owner', password, home), 'after its own failures');
    });

    it('locks an address guessing many accounts, whichever account it names next', async () => {
      const password = await api.createUser('lock-sprayed', 'viewer');
      const address = freshAddress();
      for (let guess = 0; guess < MAX_FAILURES; guess++) {
        assert.equal((await attempt(`spray-${guess}`, 'password1', address)).status, 401);
      }
      assertLocked(await attempt('lock-sprayed', password, address), 'another account');
      assert.equal((await attempt('lock-sprayed', password, freshAddress())).status, 200);
    });

    it('forgets an address’s failures on an account once that account logs in from it', async () => {
      const password = await api.createUser('lock-typo', 'viewer');
      const address = freshAddress();
      for (let round = 0; round < 3; round++) {
        for (let typo = 0; typo < MAX_FAILURES - 1; typo++) {
          assert.equal((await attempt('lock-typo', `typo-${typo}`, address)).status, 401);
        }
        assert.equal((await attempt('lock-typo', password, address)).status, 200, `${round}`);
      }
    });
  });
});

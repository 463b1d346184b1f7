import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BCRYPT_COST,
  HashingBusyException,
  MAX_WAITING_HASHES,
  PasswordHasher,
} from './password-hasher.js';

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** A real cost-4 hash of 'seed password' without its `$2b$` prefix. */
const SEED_HASH_BODY = '04$qSlcPotWOtwLaYyD/euLqeWZEY12HCzepKerj9JpDHVVAPQr5uQRy';

describe(PasswordHasher.name, () => {
  const hasher = new PasswordHasher();
  const password = 'a long passphrase';
  let hash: string;

  before(async () => {
    hash = await hasher.hash(password);
  });
  after(async () => {
    await hasher.onApplicationShutdown();
  });

  it('returns a salted bcrypt hash of the configured cost', async () => {
    assert.ok(PasswordHasher.isBcryptHash(hash), hash);
    assert.ok(hash.startsWith(`$2b$${BCRYPT_COST}$`), hash);
    assert.ok(!hash.includes(password));
    assert.notEqual(await hasher.hash(password), hash);
  });

  it('returns true for the right password', async () => {
    assert.equal(await hasher.verify(password, hash), true);
  });

  it('returns false for a wrong password', async () => {
    assert.equal(await hasher.verify('a long passphrase!', hash), false);
    assert.equal(await hasher.verify('', hash), false);
  });

  it('returns false for an unknown user (no hash)', async () => {
    assert.equal(await hasher.verify(password, undefined), false);
    assert.equal(await hasher.verify('', undefined), false);
  });

  it('returns true for imported hashes labelled $2a$, $2b$ or $2y$', async () => {
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      assert.equal(
        await hasher.verify('seed password', `${prefix}${SEED_HASH_BODY}`),
        true,
        prefix,
      );
      assert.equal(await hasher.verify('other', `${prefix}${SEED_HASH_BODY}`), false, prefix);
    }
  });

  it('takes about as long for an unknown user as for a wrong password', async () => {
    let wrong = 0;
    let unknown = 0;
    // Interleaved, so that load from other test files weighs on both alike.
    for (let round = 0; round < 3; round++) {
      wrong += await elapsedMs(() => hasher.verify('wrong password', hash));
      unknown += await elapsedMs(() => hasher.verify('wrong password', undefined));
    }
    const ratio = unknown / wrong;
    assert.ok(ratio > 0.5 && ratio < 2, `unknown user ${unknown} ms vs wrong password ${wrong} ms`);
  });
});

describe(`${PasswordHasher.name} threads and queue`, () => {
  const hasher = new PasswordHasher();
  after(async () => {
    await hasher.onApplicationShutdown();
  });

  it('keeps the event loop turning while it hashes (bcrypt runs on another thread)', async () => {
    let ticks = 0;
    let longestGapMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = performance.now();
    try {
      await Promise.all([hasher.hash('one password'), hasher.verify('two', undefined)]);
    } finally {
      clearInterval(timer);
    }
    const elapsedMs = performance.now() - started;
    // On the event loop, bcryptjs yields only every ~100 ms of hashing (a handful of ticks in
    // all); off it, a 5 ms timer fires all along, even on a loaded machine.
    const detail = `${ticks} ticks in ${elapsedMs.toFixed(0)} ms, longest gap ${longestGapMs.toFixed(0)} ms`;
    assert.ok(ticks >= elapsedMs / 25, detail);
  });

  it(`throws HashingBusyException (503, Retry-After) past ${MAX_WAITING_HASHES} waiting jobs`, async () => {
    const jobs = Array.from({ length: MAX_WAITING_HASHES + 8 }, (_, i) =>
      hasher.verify(`password ${i}`, undefined),
    );
    const results = await Promise.allSettled(jobs);
    const refused = results.filter((result) => result.status === 'rejected');
    assert.ok(refused.length >= 1, 'some jobs were refused');
    for (const result of refused) {
      const error: unknown = result.reason;
      assert.ok(error instanceof HashingBusyException, String(error));
      assert.equal(error.getStatus(), 503);
      assert.ok(error.retryAfterSeconds > 0);
    }
    assert.ok(results.length - refused.length >= MAX_WAITING_HASHES, 'the queue was used');
    // Once the queue drained, hashing works again.
    assert.equal(await hasher.verify('x', undefined), false);
  });
});

describe(PasswordHasher.isBcryptHash.name, () => {
  const body = SEED_HASH_BODY;

  it('returns true for $2a$, $2b$ and $2y$ hashes', () => {
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      assert.equal(PasswordHasher.isBcryptHash(`${prefix}${body}`), true, prefix);
    }
    assert.equal(
      PasswordHasher.isBcryptHash('$2b$12$kuSaFHUd6tsbJr8i/7UeAOhFQ.tVsp/4qHWPgf0zF3nE.xTF58pMO'),
      true,
    );
  });

  it('returns false for other text', () => {
    for (const value of [
      '',
      'plain password',
      `$2x$${body}`,
      `$1$${body}`,
      `$2b$${body}`.slice(0, -1),
      `$2b$${body}x`,
      `$2b$4$${body.slice(3)}`,
    ]) {
      assert.equal(PasswordHasher.isBcryptHash(value), false, value);
    }
  });
});

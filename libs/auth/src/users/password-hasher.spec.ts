import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BCRYPT_COST, PasswordHasher } from './password-hasher.js';

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

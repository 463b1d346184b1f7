import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envSchema, MIN_KEY_BYTES, SEED_DEFAULT_SECRET, type Env } from './env.schema.js';

function parsed(env: Record<string, string>): Env {
  const result = envSchema.safeParse(env);
  if (!result.success)
    assert.fail(`expected ${JSON.stringify(env)} to parse: ${result.error.message}`);
  return result.data;
}

/** The issues of a refused environment, as `VARIABLE: message` (the boot error's format). */
function refusal(env: Record<string, string>): string[] {
  const result = envSchema.safeParse(env);
  if (result.success) assert.fail(`expected ${JSON.stringify(env)} to be refused`);
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

const VARIABLES = Object.keys(envSchema.shape);

describe('envSchema', () => {
  it('returns the documented defaults when nothing is set', () => {
    const env = parsed({});
    assert.equal(env.PORT, 8000);
    assert.equal(env.HOST, '0.0.0.0');
    assert.equal(env.DATA_DIR, './data');
    assert.equal(env.LOG_LEVEL, 'INFO');
    assert.equal(env.STATUS_CACHE_TTL, 5);
    assert.equal(env.SSH_CACHE_TTL, 30);
    assert.equal(env.COLLECT_INTERVAL, 60);
    assert.equal(env.DATABASE_URL, undefined);
    assert.equal(env.SECRET_KEY, undefined);
    assert.equal(env.ENCRYPTION_KEY, undefined);
    assert.equal(env.ADMIN_PASSWORD, undefined);
    assert.equal(env.CORS_ORIGINS, undefined);
  });

  it('returns the defaults when every variable is an empty string', () => {
    const fromEmpty = parsed(Object.fromEntries(VARIABLES.map((name) => [name, ''])));
    const defaults = parsed({});
    for (const name of VARIABLES as (keyof Env)[]) {
      assert.equal(fromEmpty[name], defaults[name], name);
    }
  });

  it('returns whole numbers parsed from text', () => {
    const env = parsed({ PORT: '9000', STATUS_CACHE_TTL: '0', SSH_CACHE_TTL: '120' });
    assert.equal(env.PORT, 9000);
    assert.equal(env.STATUS_CACHE_TTL, 0);
    assert.equal(env.SSH_CACHE_TTL, 120);
  });

  const refused: [Record<string, string>, string, RegExp][] = [
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '0' }, 'PORT', /at least 1/],
    [{ PORT: '70000' }, 'PORT', /at most 65535/],
    [{ PORT: '80.5' }, 'PORT', /whole number/],
    [{ LOG_LEVEL: 'LOUD' }, 'LOG_LEVEL', /DEBUG, INFO, WARNING/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ COLLECT_INTERVAL: '1' }, 'COLLECT_INTERVAL', /at least 5/],
    [{ ACTIVITY_SAMPLE_INTERVAL: '0' }, 'ACTIVITY_SAMPLE_INTERVAL', /at least 1/],
    [{ STATEMENTS_TOP: '0' }, 'STATEMENTS_TOP', /at least 1/],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD', /at least 8/],
    [{ REPEAT_INTERVAL: 'soon' }, 'REPEAT_INTERVAL', /duration like 4h/],
    [{ REPEAT_INTERVAL: '-5m' }, 'REPEAT_INTERVAL', /duration like 4h/],
    [{ REPEAT_INTERVAL: '31d' }, 'REPEAT_INTERVAL', /at most 2592000 s/],
    [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL', /smtp:\/\/ or smtps:\/\//],
    [{ SMTP_URL: 'smtp://' }, 'SMTP_URL', /with a host/],
  ];
  for (const [env, variable, message] of refused) {
    const [value] = Object.values(env);
    it(`returns an issue naming ${variable} for ${variable}=${value}`, () => {
      const issues = refusal(env);
      assert.equal(issues.length, 1, issues.join('\n'));
      assert.match(issues[0] ?? '', new RegExp(`^${variable}: `));
      assert.match(issues[0] ?? '', message);
    });
  }

  it('returns one issue per bad variable', () => {
    const issues = refusal({ PORT: 'abc', LOG_LEVEL: 'LOUD' });
    assert.deepEqual(
      issues.map((issue) => issue.split(':')[0]),
      ['PORT', 'LOG_LEVEL'],
    );
  });

  for (const variable of ['SECRET_KEY', 'ENCRYPTION_KEY']) {
    it(`refuses the seed's public default as ${variable}`, () => {
      // The seed default is exactly 32 bytes: only the explicit check refuses it.
      assert.equal(Buffer.byteLength(SEED_DEFAULT_SECRET), MIN_KEY_BYTES);
      const issues = refusal({ [variable]: SEED_DEFAULT_SECRET });
      assert.match(issues.join('\n'), new RegExp(`^${variable}: .*public default`));
      refusal({ [variable]: `  ${SEED_DEFAULT_SECRET}  ` });
    });

    it(`refuses a ${variable} under ${MIN_KEY_BYTES} bytes and accepts one of ${MIN_KEY_BYTES}`, () => {
      const issues = refusal({ [variable]: 'x'.repeat(MIN_KEY_BYTES - 1) });
      assert.match(issues.join('\n'), new RegExp(`^${variable}: must be at least 32 bytes`));
      assert.equal(
        parsed({ [variable]: 'x'.repeat(MIN_KEY_BYTES) })[variable as keyof Env],
        'x'.repeat(32),
      );
      // Bytes, not characters: 16 two-byte characters are enough, 15 plus one byte are not.
      parsed({ [variable]: 'é'.repeat(16) });
      refusal({ [variable]: `${'é'.repeat(15)}x` });
    });
  }

  it('returns LOG_LEVEL upper-cased, accepting seed and Nest names in any case', () => {
    const names = ['debug', 'Info', 'WARNING', 'error', 'warn', 'log', 'verbose', 'fatal'];
    for (const name of names) {
      assert.equal(parsed({ LOG_LEVEL: name }).LOG_LEVEL, name.toUpperCase());
    }
  });

  it('accepts postgres:// and postgresql:// DATABASE_URLs', () => {
    for (const url of ['postgres://u:p@db/pgmon', 'postgresql://db:5432/pgmon']) {
      assert.equal(parsed({ DATABASE_URL: url }).DATABASE_URL, url);
    }
  });

  it('returns REPEAT_INTERVAL in seconds from 4h, 30m, 90s or plain seconds (default 4h)', () => {
    assert.equal(parsed({}).REPEAT_INTERVAL, 4 * 3600);
    assert.equal(parsed({ REPEAT_INTERVAL: '30m' }).REPEAT_INTERVAL, 1800);
    assert.equal(parsed({ REPEAT_INTERVAL: '90s' }).REPEAT_INTERVAL, 90);
    assert.equal(parsed({ REPEAT_INTERVAL: '3600' }).REPEAT_INTERVAL, 3600);
    assert.equal(parsed({ REPEAT_INTERVAL: '1.5H' }).REPEAT_INTERVAL, 5400);
    assert.equal(parsed({ REPEAT_INTERVAL: '0' }).REPEAT_INTERVAL, 0);
  });

  it('returns the same values when the parsed environment is parsed again', () => {
    const once = parsed({ REPEAT_INTERVAL: '3s', SMTP_URL: 'smtps://u:p@mail.example.com:465' });
    const twice = envSchema.parse(once);
    assert.equal(twice.REPEAT_INTERVAL, 3);
    assert.equal(twice.SMTP_URL, 'smtps://u:p@mail.example.com:465');
  });
});

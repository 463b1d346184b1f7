import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildAppConfig,
  nestLogLevels,
  parseCheckThresholds,
  parseCorsOrigins,
  parseTrustProxy,
} from './app-config.js';
import { envSchema } from './env.schema.js';

function build(env: Record<string, string>) {
  return buildAppConfig(envSchema.parse(env));
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

describe(buildAppConfig.name, () => {
  let root: string;
  let counter = 0;
  /** A DATA_DIR that does not exist yet, two levels below a fresh temp directory. */
  const newDataDir = () => join(root, `case-${++counter}`, 'data');

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'pgmon-config-'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('returns generated keys written to a new DATA_DIR (0700) as files with mode 0600', () => {
    const dataDir = newDataDir();
    const config = build({ DATA_DIR: dataDir });
    const secretFile = join(dataDir, 'secret_key');
    const encryptionFile = join(dataDir, 'encryption_key');
    assert.equal(config.dataDir, resolve(dataDir));
    assert.equal(mode(dataDir), 0o700);
    assert.deepEqual([...config.generatedKeyFiles].sort(), [encryptionFile, secretFile]);
    assert.equal(mode(secretFile), 0o600);
    assert.equal(mode(encryptionFile), 0o600);
    assert.equal(config.auth.secretKey, readFileSync(secretFile, 'utf8').trim());
    assert.ok(config.auth.secretKey.length >= 43, 'a 256-bit key');
    assert.equal(config.encryption.current.key.length, 32);
    assert.deepEqual(config.encryption.previous, []);
  });

  it('returns the same keys and no generated files on a second call', () => {
    const dataDir = newDataDir();
    const first = build({ DATA_DIR: dataDir });
    const second = build({ DATA_DIR: dataDir });
    assert.equal(first.generatedKeyFiles.length, 2);
    assert.deepEqual(second.generatedKeyFiles, []);
    assert.equal(second.auth.secretKey, first.auth.secretKey);
    assert.equal(second.encryption.current.id, first.encryption.current.id);
    assert.ok(second.encryption.current.key.equals(first.encryption.current.key));
  });

  it('returns keys from the environment without writing key files for them', () => {
    const dataDir = newDataDir();
    const secret = 's'.repeat(40);
    const config = build({ DATA_DIR: dataDir, SECRET_KEY: secret });
    assert.equal(config.auth.secretKey, secret);
    assert.equal(existsSync(join(dataDir, 'secret_key')), false);
    assert.deepEqual(config.generatedKeyFiles, [join(dataDir, 'encryption_key')]);
  });

  it('tightens a loosened key file back to mode 0600', () => {
    const dataDir = newDataDir();
    const first = build({ DATA_DIR: dataDir });
    const secretFile = join(dataDir, 'secret_key');
    chmodSync(secretFile, 0o644);
    const second = build({ DATA_DIR: dataDir });
    assert.equal(mode(secretFile), 0o600);
    assert.equal(second.auth.secretKey, first.auth.secretKey);
  });

  it('throws for a damaged (too short) key file instead of using or replacing it', () => {
    const dataDir = newDataDir();
    build({ DATA_DIR: dataDir });
    const secretFile = join(dataDir, 'secret_key');
    writeFileSync(secretFile, 'abc\n');
    assert.throws(() => build({ DATA_DIR: dataDir }), /secret_key is damaged/);
    assert.equal(readFileSync(secretFile, 'utf8'), 'abc\n');
  });

  it('returns an SQLite store under DATA_DIR when DATABASE_URL is unset', () => {
    const dataDir = newDataDir();
    const config = build({ DATA_DIR: dataDir, DATABASE_URL: '' });
    assert.deepEqual(config.store, { kind: 'sqlite', file: join(resolve(dataDir), 'pgmon.db') });
  });

  it('returns a PostgreSQL store when DATABASE_URL is set', () => {
    const url = 'postgresql://pgmon:pw@db.example.com:5432/pgmon';
    const config = build({ DATA_DIR: newDataDir(), DATABASE_URL: url });
    assert.deepEqual(config.store, { kind: 'postgres', url });
  });

  it('returns the seed log level and the matching Nest levels', () => {
    const config = build({ DATA_DIR: newDataDir(), LOG_LEVEL: 'warn' });
    assert.equal(config.log.level, 'WARNING');
    assert.deepEqual(config.log.nestLevels, ['fatal', 'error', 'warn']);
    const defaults = build({ DATA_DIR: newDataDir() });
    assert.equal(defaults.log.level, 'INFO');
    assert.deepEqual(defaults.log.nestLevels, ['fatal', 'error', 'warn', 'log']);
  });

  it('returns the cache and collector settings', () => {
    const config = build({ DATA_DIR: newDataDir(), STATUS_CACHE_TTL: '7', COLLECT_INTERVAL: '' });
    assert.deepEqual(config.cache, { statusTtlSeconds: 7, sshTtlSeconds: 30, redisUrl: undefined });
    assert.equal(config.collector.intervalSeconds, 60);
  });

  it('returns allowCleartextPassword false unless ALLOW_CLEARTEXT_PASSWORD is true', () => {
    const dataDir = newDataDir();
    assert.equal(build({ DATA_DIR: dataDir }).targets.allowCleartextPassword, false);
    for (const value of ['true', 'TRUE', '1', 'yes']) {
      const config = build({ DATA_DIR: dataDir, ALLOW_CLEARTEXT_PASSWORD: value });
      assert.equal(config.targets.allowCleartextPassword, true, value);
    }
    for (const value of ['false', '0', 'no', '']) {
      const config = build({ DATA_DIR: dataDir, ALLOW_CLEARTEXT_PASSWORD: value });
      assert.equal(config.targets.allowCleartextPassword, false, value);
    }
  });

  it('returns the checks settings: interval, thresholds and the actions switch', () => {
    const defaults = build({ DATA_DIR: newDataDir() });
    assert.deepEqual(defaults.checks, { intervalSeconds: 60, thresholds: [] });
    assert.deepEqual(defaults.actions, { enabled: true });
    const set = build({
      DATA_DIR: newDataDir(),
      CHECKS_INTERVAL: '15',
      CHECK_THRESHOLDS: 'dead_tuples=0.3:0.6',
      ACTIONS_ENABLED: 'FALSE',
    });
    assert.deepEqual(set.checks, {
      intervalSeconds: 15,
      thresholds: [{ check: 'dead_tuples', server: null, warning: 0.3, critical: 0.6 }],
    });
    assert.deepEqual(set.actions, { enabled: false });
    assert.throws(() => build({ DATA_DIR: newDataDir(), ACTIONS_ENABLED: 'maybe' }));
  });

  it('returns the query insight settings with their defaults', () => {
    const config = build({ DATA_DIR: newDataDir(), ACTIVITY_SAMPLE_INTERVAL: '1' });
    assert.deepEqual(config.insight, {
      statementsIntervalSeconds: 60,
      statementsTop: 200,
      statementsRawRetentionHours: 48,
      statementsRetentionDays: 30,
      activitySampleIntervalSeconds: 1,
      activityRetentionDays: 7,
    });
  });

  it('returns previous encryption keys and names ENCRYPTION_KEY_PREVIOUS when one is too short', () => {
    const old = 'o'.repeat(64);
    const config = build({ DATA_DIR: newDataDir(), ENCRYPTION_KEY_PREVIOUS: ` ${old} , ` });
    assert.equal(config.encryption.previous.length, 1);
    assert.notEqual(config.encryption.previous[0]?.id, config.encryption.current.id);
    assert.throws(
      () => build({ DATA_DIR: newDataDir(), ENCRYPTION_KEY_PREVIOUS: `${old},short` }),
      /^Error: ENCRYPTION_KEY_PREVIOUS: /,
    );
  });

  it('throws for a bad CORS_ORIGINS entry', () => {
    assert.throws(
      () => build({ DATA_DIR: newDataDir(), CORS_ORIGINS: 'https://ok.example.com/' }),
      /CORS_ORIGINS/,
    );
  });
});

describe(parseCorsOrigins.name, () => {
  it('returns no origins when unset or blank', () => {
    assert.deepEqual(parseCorsOrigins(undefined), []);
    assert.deepEqual(parseCorsOrigins(''), []);
    assert.deepEqual(parseCorsOrigins(' , '), []);
  });

  it('returns the trimmed origins of a comma-separated list', () => {
    assert.deepEqual(parseCorsOrigins('https://monitor.example.com, http://localhost:3000'), [
      'https://monitor.example.com',
      'http://localhost:3000',
    ]);
    assert.deepEqual(parseCorsOrigins('*'), ['*']);
  });

  for (const bad of [
    'https://monitor.example.com/',
    'https://monitor.example.com/app',
    'monitor.example.com',
    'ftp://monitor.example.com',
  ]) {
    it(`throws naming CORS_ORIGINS and the entry for ${bad}`, () => {
      assert.throws(
        () => parseCorsOrigins(`https://fine.example.com,${bad}`),
        (error: Error) => {
          assert.match(error.message, /^CORS_ORIGINS: /);
          assert.ok(error.message.includes(`"${bad}"`), error.message);
          return true;
        },
      );
    });
  }
});

describe(parseCheckThresholds.name, () => {
  it('returns no levels when unset', () => {
    assert.deepEqual(parseCheckThresholds(undefined), []);
  });

  it('returns both levels, one level, or none, for every server or for one', () => {
    assert.deepEqual(
      parseCheckThresholds(
        'long_running_queries=120:600, cache_hit_ratio = 0.9:, pg-1.eu/blocked_sessions=:-1.5',
      ),
      [
        { check: 'long_running_queries', server: null, warning: 120, critical: 600 },
        { check: 'cache_hit_ratio', server: null, warning: 0.9, critical: null },
        { check: 'blocked_sessions', server: 'pg-1.eu', warning: null, critical: -1.5 },
      ],
    );
  });

  it('throws naming CHECK_THRESHOLDS for an item that is not [server/]id=warning:critical', () => {
    for (const bad of [
      'dead_tuples',
      'dead_tuples=0.2',
      'dead_tuples=a:b',
      'Dead=1:2',
      '=1:2',
      '/x=1:2',
    ]) {
      assert.throws(() => parseCheckThresholds(bad), /^Error: CHECK_THRESHOLDS: /, bad);
    }
  });
});

describe(parseTrustProxy.name, () => {
  it('returns false when unset or "false"', () => {
    assert.equal(parseTrustProxy(undefined), false);
    assert.equal(parseTrustProxy('false'), false);
  });

  it('returns true for "true" and a hop count for a number', () => {
    assert.equal(parseTrustProxy('true'), true);
    assert.equal(parseTrustProxy('2'), 2);
  });

  it('returns a list of trusted addresses otherwise', () => {
    assert.deepEqual(parseTrustProxy('loopback, 10.0.0.0/8'), ['loopback', '10.0.0.0/8']);
  });
});

describe(nestLogLevels.name, () => {
  it('returns every level up to verbose for DEBUG and VERBOSE', () => {
    const all = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
    assert.deepEqual(nestLogLevels('DEBUG'), all);
    assert.deepEqual(nestLogLevels('VERBOSE'), all);
  });

  it('returns the levels of each seed and Nest name', () => {
    assert.deepEqual(nestLogLevels('INFO'), ['fatal', 'error', 'warn', 'log']);
    assert.deepEqual(nestLogLevels('LOG'), ['fatal', 'error', 'warn', 'log']);
    assert.deepEqual(nestLogLevels('WARNING'), ['fatal', 'error', 'warn']);
    assert.deepEqual(nestLogLevels('WARN'), ['fatal', 'error', 'warn']);
    assert.deepEqual(nestLogLevels('ERROR'), ['fatal', 'error']);
    assert.deepEqual(nestLogLevels('FATAL'), ['fatal']);
  });

  it('returns the INFO levels for an unknown name', () => {
    assert.deepEqual(nestLogLevels('LOUD'), ['fatal', 'error', 'warn', 'log']);
  });
});

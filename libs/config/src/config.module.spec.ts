import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Test } from '@nestjs/testing';
import { AppConfig } from './app-config.js';
import { AppConfigModule } from './config.module.js';
import { envSchema } from './env.schema.js';

const VARIABLES = Object.keys(envSchema.shape);

/** Boots AppConfigModule with exactly `env` as the schema's variables, then restores process.env. */
async function bootConfig(env: Record<string, string>): Promise<AppConfig> {
  const saved = { ...process.env };
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [await AppConfigModule.forRoot()],
    }).compile();
    const config = moduleRef.get(AppConfig);
    await moduleRef.close();
    return config;
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

describe(AppConfigModule.name, () => {
  let root: string;
  let counter = 0;
  const newDataDir = () => join(root, `case-${++counter}`);

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'pgmon-config-module-'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('returns the typed AppConfig built from the environment', async () => {
    const dataDir = newDataDir();
    const config = await bootConfig({ DATA_DIR: dataDir, PORT: '9001', LOG_LEVEL: 'debug' });
    assert.equal(config.http.port, 9001);
    assert.equal(config.log.level, 'DEBUG');
    assert.equal(config.dataDir, dataDir);
    assert.equal(config.auth.secretKey, readFileSync(join(dataDir, 'secret_key'), 'utf8').trim());
  });

  it('rejects at boot with a message naming the bad variable', async () => {
    await assert.rejects(bootConfig({ DATA_DIR: newDataDir(), PORT: 'abc' }), /PORT: /);
  });

  // Compose files often pass `SECRET_KEY: ${SECRET_KEY:-}`: an empty value means "unset".
  it('returns a generated secret key when SECRET_KEY is empty', async () => {
    const dataDir = newDataDir();
    const config = await bootConfig({ DATA_DIR: dataDir, SECRET_KEY: '' });
    assert.ok(
      config.auth.secretKey.length >= 43,
      `JWT key is ${JSON.stringify(config.auth.secretKey)}`,
    );
    assert.equal(config.auth.secretKey, readFileSync(join(dataDir, 'secret_key'), 'utf8').trim());
  });

  it('returns a generated encryption key when ENCRYPTION_KEY is empty', async () => {
    const dataDir = newDataDir();
    const config = await bootConfig({ DATA_DIR: dataDir, ENCRYPTION_KEY: '' });
    assert.equal(config.encryption.current.key.length, 32);
    assert.ok(config.generatedKeyFiles.includes(join(dataDir, 'encryption_key')));
  });

  it('returns no admin password when ADMIN_PASSWORD is empty', async () => {
    const config = await bootConfig({ DATA_DIR: newDataDir(), ADMIN_PASSWORD: '' });
    assert.equal(config.auth.adminPassword, undefined);
  });

  it('returns an SQLite store when DATABASE_URL is empty', async () => {
    const config = await bootConfig({ DATA_DIR: newDataDir(), DATABASE_URL: '' });
    assert.equal(config.store.kind, 'sqlite');
  });
});

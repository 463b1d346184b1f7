import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { CollectorAppModule } from '../../apps/collector/src/collector-app.module.js';
import { startTestApi, withEnv, type TestApi } from '../support/api.js';

/** The repository root (this file runs from dist/test/architecture). */
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');

/** Every controller class registered in the app's module graph, with its module's name. */
function controllersOf(app: INestApplicationContext): { module: string; type: Type }[] {
  const found: { module: string; type: Type }[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      found.push({ module: module.metatype.name, type: wrapper.metatype as Type });
    }
  }
  return found;
}

/** The .ts files under `dir` (relative to the root) that declare `export class <name>`. */
function declaringFiles(name: string, dir: string): string[] {
  const files: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        if (readFileSync(full, 'utf8').includes(`export class ${name} `)) files.push(full);
      }
    }
  };
  walk(join(ROOT, dir));
  return files.map((file) => relative(ROOT, file));
}

/** "GET /servers/:server_name" for each handler of the controller. */
function routesOf(type: Type): string[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
  const prototype = type.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).flatMap((key) => {
    const handler = prototype[key];
    if (typeof handler !== 'function' || key === 'constructor') return [];
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
    const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
    return method === undefined ? [] : [`${method} /${base}/${path ?? ''}`];
  });
}

describe('Layout', () => {
  describe('the API app', () => {
    let api: TestApi;

    before(async () => {
      api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    });

    after(async () => {
      await api?.close();
    });

    it('declares every route-serving controller in apps/api/src/<feature>/, none in libs', () => {
      const controllers = controllersOf(api.app);
      assert.ok(controllers.length >= 9, `${controllers.length} controllers`);
      for (const { module, type } of controllers) {
        assert.ok(routesOf(type).length > 0, `${type.name} serves no route`);
        const inApi = declaringFiles(type.name, 'apps/api/src');
        assert.equal(
          inApi.length,
          1,
          `${type.name} (module ${module}) is declared once in apps/api`,
        );
        assert.match(inApi[0] ?? '', /^apps\/api\/src\/[a-z-]+\/[a-z.-]+\.ts$/);
        assert.deepEqual(declaringFiles(type.name, 'libs'), [], `${type.name} in a library`);
      }
    });
  });

  describe('the collector app', () => {
    let app: INestApplicationContext;
    let dataDir: string;

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'pgmon-layout-'));
      const env = {
        DATA_DIR: dataDir,
        SECRET_KEY: randomBytes(32).toString('base64url'),
        ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
        DATABASE_URL: undefined,
        LOG_LEVEL: 'ERROR',
        COLLECTOR_ENABLED: 'false',
      };
      app = await withEnv(env, async () =>
        NestFactory.createApplicationContext(await CollectorAppModule.forRoot(), {
          logger: false,
        }),
      );
      await app.init();
    });

    after(async () => {
      await app?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('has no controller in its module graph', () => {
      const modules = [...app.get(ModulesContainer).values()].map((m) => m.metatype.name);
      assert.ok(modules.includes('CollectorModule'), modules.join(', '));
      assert.deepEqual(
        controllersOf(app).map(({ module, type }) => `${module}: ${type.name}`),
        [],
      );
    });
  });
});

/**
 * Live status on every major of the version matrix, as the pg_monitor-only role: GET /servers,
 * GET /servers/{name} and POST /servers/{name}/test read the version, uptime, connections by
 * state and the data directory of PostgreSQL 13, 15 and 17 alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { forEachMajor } from '../support/matrix.js';
import { uniqueName } from '../support/names.js';
import { isIsoTimestamp } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import type { MatrixServer } from '../support/targets-info.js';
import { ServersClient, type StatusEntry } from '../servers/helpers.js';

interface CheckView {
  name: string;
  status: string;
  postgres: {
    ok: boolean;
    version: string | null;
    pg_monitor: boolean | null;
    data_directory: string | null;
    error: unknown;
    hints: string[];
  };
}

/** What a status entry of a healthy server of `pg`'s major says, whatever the major. */
function assertHealthy(entry: StatusEntry, pg: MatrixServer): void {
  assert.equal(entry.status, 'ok', JSON.stringify(entry));
  assert.equal(entry.pg_error, null);
  assert.equal(entry.version_num, pg.versionNum);
  assert.match(entry.version ?? '', new RegExp(`^${pg.major}\\.\\d+`));
  assert.equal(entry.data_directory, pg.dataDir, 'pg_monitor reads data_directory');
  assert.ok(entry.connections && entry.connections.active >= 1, 'the status query is active');
  assert.equal(typeof entry.connections.idle, 'number');
  assert.ok((entry.uptime_hours ?? -1) >= 0);
  assert.ok(isIsoTimestamp(entry.checked_at));
}

describe('ServersController', { concurrency: true }, () => {
  let api: TestApi;
  let admin: ServersClient;
  let viewer: ServersClient;

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false', STATUS_CACHE_TTL: '0' });
    admin = new ServersClient(api, await api.adminToken());
    viewer = new ServersClient(api, await api.userToken('matrix-viewer', 'viewer'));
  });

  after(async () => {
    await api?.close();
  });

  forEachMajor((pg) => {
    const name = uniqueName(`pg${pg.major}`);

    before(async () => {
      const created = await admin.created(monitorBody(name, pg));
      assertHealthy(created, pg);
    });

    describe('GET /servers', () => {
      it('returns the server with its version, uptime, connections and data directory', async () => {
        const entry = (await viewer.list()).find((candidate) => candidate.name === name);
        assert.ok(entry, 'listed');
        assertHealthy(entry, pg);
      });
    });

    describe('GET /servers/{server_name}', () => {
      it('returns the same status entry', async () => {
        assertHealthy(await viewer.entry(name), pg);
      });
    });

    describe('POST /servers/{server_name}/test', () => {
      it('returns ok with the version, pg_monitor membership and data directory', async () => {
        const response = await admin.test(name);
        assert.equal(response.status, 200, response.text);
        const check = response.body as CheckView;
        assert.equal(check.status, 'ok');
        assert.equal(check.postgres.ok, true);
        assert.equal(check.postgres.error, null);
        assert.match(check.postgres.version ?? '', new RegExp(`^${pg.major}\\.`));
        assert.equal(check.postgres.pg_monitor, true);
        assert.equal(check.postgres.data_directory, pg.dataDir);
        assert.ok(
          !check.postgres.hints.some((hint) => hint.includes('pg_monitor')),
          check.postgres.hints.join('\n'),
        );
      });
    });
  });
});

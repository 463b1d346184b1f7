import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { Registry } from 'prom-client';
import { buildAppConfig, envSchema } from '#config';
import type { ServerRecord } from '#servers';
import { TargetFailedError, type TargetQuery } from '#target-query';
import { InsightMetrics } from '../insight.metrics.js';
import type { StatementsReading } from './statement-reading.js';
import { StatementsSnapshotTask } from './statements-snapshot.task.js';
import type { ReadingWrite, StatementsWriter } from './statements-writer.js';

/**
 * Unit tests of what one snapshot asks the server: the target and the store are stand-ins
 * (test/insight runs the real ones).
 */

const SERVER = {
  id: 7,
  name: 'pg1',
  generation: 1,
  database: 'postgres',
  user: 'monitor',
} as ServerRecord;

/** A client that answers the source query and the reading, and counts the round trips. */
class FakeClient {
  readonly texts: string[] = [];
  extension: string | null = '1.10';
  private readings = 0;

  query(config: string | { text: string }): Promise<unknown> {
    const text = typeof config === 'string' ? config : config.text;
    this.texts.push(text);
    if (text.includes('pg_extension'))
      return Promise.resolve({
        rows: [{ version_num: 150010, extversion: this.extension, schema: 'public' }],
      });
    if (text.includes('pg_stat_statements(false)')) {
      // Each reading finds the statement run once more.
      this.readings += 1;
      const counters = Array.from({ length: 13 }, () => this.readings);
      return Promise.resolve([
        { rows: [[1000, 0]] },
        { rows: [['42', 5, 10, 1, 'app', 'app', null, ...counters]] },
        { rows: [[1_000_000 + this.readings * 60_000, 1, 1000, 0]] },
      ]);
    }
    return Promise.reject(new Error(`unexpected query ${text}`));
  }
}

class FakeTargetQuery {
  connections = 0;
  textQueries = 0;
  constructor(readonly client: FakeClient) {}

  runOrThrow<T>(_server: ServerRecord, work: (client: ClientBase) => Promise<T>): Promise<T> {
    this.connections++;
    return work(this.client as unknown as ClientBase);
  }

  rows(): Promise<{ ok: true; value: { queryid: string; query: string; truncated: boolean }[] }> {
    this.textQueries++;
    return Promise.resolve({
      ok: true,
      value: [{ queryid: '42', query: 'select 1', truncated: false }],
    });
  }
}

class FakeWriter {
  readonly writes: ReadingWrite[] = [];
  readonly unavailable: string[] = [];
  texts = new Set<string>();

  lastReading(): Promise<StatementsReading | undefined> {
    return Promise.resolve(this.writes.at(-1)?.reading);
  }
  write(write: ReadingWrite): Promise<number> {
    this.writes.push(write);
    return Promise.resolve(write.rows?.top.length ?? 0);
  }
  recordUnavailable(_serverId: number, unavailable: { code: string }): Promise<void> {
    this.unavailable.push(unavailable.code);
    return Promise.resolve();
  }
  withoutText(_serverId: number, queryids: string[]): Promise<string[]> {
    return Promise.resolve(queryids.filter((queryid) => !this.texts.has(queryid)));
  }
  insertTexts(_serverId: number, texts: { queryid: string }[]): Promise<void> {
    for (const text of texts) this.texts.add(text.queryid);
    return Promise.resolve();
  }
}

function task(client = new FakeClient()) {
  const query = new FakeTargetQuery(client);
  const writer = new FakeWriter();
  const config = buildAppConfig(
    envSchema.parse({
      DATA_DIR: '/nonexistent',
      SECRET_KEY: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    }),
  );
  const snapshot = new StatementsSnapshotTask(
    query as unknown as TargetQuery,
    writer as unknown as StatementsWriter,
    config,
    new InsightMetrics(new Registry()),
  );
  return { snapshot, query, writer, client };
}

describe(StatementsSnapshotTask.name, () => {
  before(() => {
    Logger.overrideLogger(false);
  });

  it('reads the extension once, then one query on one connection per snapshot', async () => {
    const { snapshot, query, client } = task();
    await snapshot.run(SERVER);
    assert.equal(client.texts.length, 2, 'the source, then the reading');
    await snapshot.run(SERVER);
    await snapshot.run(SERVER);
    assert.equal(client.texts.length, 4);
    assert.equal(query.connections, 3);
    assert.ok(client.texts.slice(1).every((text) => text.includes('pg_stat_statements(false)')));
  });

  it('reads the extension again for a changed server configuration', async () => {
    const { snapshot, client } = task();
    await snapshot.run(SERVER);
    await snapshot.run({ ...SERVER, generation: 2 });
    assert.equal(client.texts.filter((text) => text.includes('pg_extension')).length, 2);
  });

  it('fetches the texts of top statements once', async () => {
    const { snapshot, query, writer } = task();
    await snapshot.run(SERVER);
    assert.equal(query.textQueries, 0, 'a first reading is a baseline: no top yet');
    await snapshot.run(SERVER);
    assert.equal(query.textQueries, 1);
    await snapshot.run(SERVER);
    assert.equal(query.textQueries, 1, 'the text is stored');
    assert.equal(writer.writes.length, 3);
  });

  it('records the missing extension and fails with its reason', async () => {
    const client = new FakeClient();
    client.extension = null;
    const { snapshot, writer } = task(client);
    await assert.rejects(snapshot.run(SERVER), (error: unknown) => {
      assert.ok(error instanceof TargetFailedError);
      assert.equal(error.failure.code, 'statements_missing');
      assert.match(error.failure.message, /CREATE EXTENSION pg_stat_statements in postgres/);
      return true;
    });
    assert.deepEqual(writer.unavailable, ['missing']);
  });
});

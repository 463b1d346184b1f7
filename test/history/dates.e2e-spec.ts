/**
 * The period of the history routes: ISO 8601 dates with and without a zone, date-only, offsets;
 * 422 in FastAPI's shape for bad dates, reversed periods and periods longer than the retention;
 * the default period; 404 for unknown servers and databases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { issueLocations } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { HistoryClient, targets, type ServerHistory } from './helpers.js';

const DAY = 86_400_000;

describe('HistoryController', () => {
  let api: TestApi;
  let client: HistoryClient;
  const server = uniqueName('hist-dates');

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
    client = new HistoryClient(api, await api.userToken('hist-dates-viewer', 'viewer'));
    await new HistoryClient(api, await api.adminToken()).createServer(
      monitorBody(server, targets.pg.main),
    );
  });

  after(async () => {
    await api?.close();
  });

  /** The three routes with a period, for checks that hold on each. */
  const withPeriod = [
    {
      route: 'GET /server/{server_name}/stats',
      call: (query: Record<string, string>) => client.serverStatsResponse(server, query),
    },
    {
      route: 'GET /server/{server_name}/db/{db_name}/stats',
      call: (query: Record<string, string>) => client.databaseStatsResponse(server, 'appdb', query),
    },
  ];

  for (const { route, call } of withPeriod) {
    describe(route, () => {
      it('returns the same period for a date-time without a zone as with Z (no zone is UTC)', async () => {
        const plain = await call({
          start_date: '2025-06-01T10:00:00',
          end_date: '2025-06-03T10:00:00',
        });
        const zulu = await call({
          start_date: '2025-06-01T10:00:00Z',
          end_date: '2025-06-03T10:00:00Z',
        });
        assert.equal(plain.status, 200, plain.text);
        assert.equal(zulu.status, 200, zulu.text);
        const body = plain.body as ServerHistory;
        assert.equal(body.start_date, '2025-06-01T10:00:00.000Z');
        assert.equal(body.end_date, '2025-06-03T10:00:00.000Z');
        assert.deepEqual(plain.body, zulu.body);
      });

      it('returns midnight UTC for a date-only value', async () => {
        const response = await call({ start_date: '2025-06-01', end_date: '2025-06-03' });
        assert.equal(response.status, 200, response.text);
        const body = response.body as ServerHistory;
        assert.equal(body.start_date, '2025-06-01T00:00:00.000Z');
        assert.equal(body.end_date, '2025-06-03T00:00:00.000Z');
        assert.equal(body.aggregation, 'raw');
      });

      it('returns the instant of a date-time with an offset', async () => {
        const response = await call({
          start_date: '2025-06-03T10:00:00+03:00',
          end_date: '2025-06-03T10:00:00-05:30',
        });
        assert.equal(response.status, 200, response.text);
        const body = response.body as ServerHistory;
        assert.equal(body.start_date, '2025-06-03T07:00:00.000Z');
        assert.equal(body.end_date, '2025-06-03T15:30:00.000Z');
      });

      it('returns the last 7 days by default', async () => {
        const before = Date.now();
        const response = await call({});
        const after = Date.now();
        assert.equal(response.status, 200, response.text);
        const body = response.body as ServerHistory;
        const end = Date.parse(body.end_date);
        assert.ok(end >= before && end <= after, body.end_date);
        assert.equal(end - Date.parse(body.start_date), 7 * DAY);
        assert.equal(body.aggregation, 'hour');
      });

      it('returns the 7 days before end_date when only end_date is given', async () => {
        const response = await call({ end_date: '2025-06-08T12:00:00Z' });
        assert.equal(response.status, 200, response.text);
        assert.equal((response.body as ServerHistory).start_date, '2025-06-01T12:00:00.000Z');
      });

      for (const bad of [
        '2025-13-01',
        '2025-02-30',
        'yesterday',
        '2025-06-03T25:00',
        '06/03/2025',
      ]) {
        it(`answers 422 on the parameter for "${bad}"`, async () => {
          assert.deepEqual(issueLocations(await call({ start_date: bad }), { typed: true }), [
            'query.start_date',
          ]);
          assert.deepEqual(
            issueLocations(await call({ start_date: '2025-06-01', end_date: bad }), {
              typed: true,
            }),
            ['query.end_date'],
          );
        });
      }

      it('answers 422 with loc ["query", "start_date"] and a message for start after end', async () => {
        const response = await call({ start_date: '2025-06-04', end_date: '2025-06-03' });
        assert.deepEqual(issueLocations(response, { typed: true }), ['query.start_date']);
        const [issue] = (response.body as { detail: { loc: unknown[]; msg: string }[] }).detail;
        assert.deepEqual(issue?.loc, ['query', 'start_date']);
        assert.match(issue?.msg ?? '', /after end_date/);
      });

      it('answers 422 for a period longer than the retention (90 days by default)', async () => {
        const longer = await call({ start_date: '2025-03-04', end_date: '2025-06-03' });
        assert.deepEqual(issueLocations(longer, { typed: true }), ['query.start_date']);
        assert.match(JSON.stringify(longer.body), /90 days/);
        const hundred = await call({ start_date: '2025-02-23', end_date: '2025-06-03' });
        assert.deepEqual(issueLocations(hundred, { typed: true }), ['query.start_date']);
        const exactly = await call({ start_date: '2025-03-05', end_date: '2025-06-03' });
        assert.equal(exactly.status, 200, exactly.text);
        assert.equal((exactly.body as ServerHistory).aggregation, '4hour');
      });

      it('answers 422, not 500, for an over-long or repeated parameter', async () => {
        assert.deepEqual(
          issueLocations(await call({ start_date: '2'.repeat(41) }), { typed: true }),
          ['query.start_date'],
        );
        const repeated = await api.http
          .get(
            route.endsWith('/db/{db_name}/stats')
              ? `/server/${server}/db/appdb/stats?start_date=2025-06-01&start_date=2025-06-02`
              : `/server/${server}/stats?start_date=2025-06-01&start_date=2025-06-02`,
          )
          .set(client.auth);
        assert.deepEqual(issueLocations(repeated, { typed: true }), ['query.start_date']);
      });
    });
  }

  describe('GET /server/{server_name}/stats', () => {
    it('answers 404 for an unknown server', async () => {
      const response = await client.serverStatsResponse('hist-no-such-server');
      assert.equal(response.status, 404, response.text);
      assert.equal(
        (response.body as { detail: string }).detail,
        'Server hist-no-such-server not found',
      );
    });
  });

  describe('GET /server/{server_name}/db/{db_name}', () => {
    it('answers 404 for an unknown server', async () => {
      const response = await client.databaseSummaryResponse('hist-no-such-server', 'postgres');
      assert.equal(response.status, 404, response.text);
    });

    it('answers 404 for a database the server does not have and that has no history', async () => {
      const response = await client.databaseSummaryResponse(server, 'hist_no_such_db');
      assert.equal(response.status, 404, response.text);
      assert.match((response.body as { detail: string }).detail, /hist_no_such_db/);
    });

    it('returns exists true and zeros for a database of the server without history', async () => {
      const summary = await client.databaseSummary(server, 'appdb');
      assert.equal(summary.exists, true);
      assert.equal(summary.commits, 0);
      assert.equal(summary.connections, 0);
      assert.equal(summary.size_mb, 0);
      assert.equal(summary.last_update, null);
      assert.equal(summary.source, 'collector');
    });
  });

  describe('GET /server/{server_name}/db/{db_name}/stats', () => {
    it('answers 404 for an unknown server', async () => {
      const response = await client.databaseStatsResponse('hist-no-such-server', 'postgres');
      assert.equal(response.status, 404, response.text);
    });

    it('answers 404 for a database the server does not have and that has no history', async () => {
      const response = await client.databaseStatsResponse(server, 'hist_no_such_db');
      assert.equal(response.status, 404, response.text);
    });
  });
});

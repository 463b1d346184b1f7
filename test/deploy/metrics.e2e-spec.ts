/** GET /metrics (Prometheus) on the real app, against the real targets. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheusTextFormat, {
  type PrometheusMetricFamily,
  type PrometheusSample,
} from 'parse-prometheus-text-format';
import type { Response } from 'supertest';
import { CollectorService } from '#collector';
import { ServersService } from '#servers';
import { bearer, startTestApi, TEST_ADMIN_PASSWORD, type TestApi } from '../support/api.js';
import { adminQuery } from '../support/clusters.js';
import { uniqueName } from '../support/names.js';
import { sleep } from '../support/proc.js';
import { readTargets } from '../support/targets-info.js';
import { eventually } from '../support/timing.js';
import { secret } from './helpers.js';

const targets = readTargets();
const { main } = targets.pg;
const sshd = targets.ssh;

type Families = Map<string, PrometheusMetricFamily>;

function family(families: Families, name: string): PrometheusMetricFamily {
  const found = families.get(name);
  assert.ok(found, `${name} is exposed`);
  return found;
}

/** The samples of `name` whose labels include `labels`. */
function samples(
  families: Families,
  name: string,
  labels: Record<string, string>,
): PrometheusSample[] {
  return family(families, name).metrics.filter((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
  );
}

/** The one value of `name` with these labels. */
function valueOf(families: Families, name: string, labels: Record<string, string>): number {
  const found = samples(families, name, labels);
  assert.equal(found.length, 1, `one ${name} sample for ${JSON.stringify(labels)}`);
  return Number(found[0]?.value);
}

/**
 * The families of a scrape. parse-prometheus-text-format folds a histogram's labelled series
 * into one unlabelled sample, so a histogram's series are also read without its TYPE line:
 * then `<name>_bucket`, `_sum` and `_count` are families of their own, labels kept.
 */
function parseMetrics(text: string): Families {
  const families: Families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  const untyped = text.replace(/^# TYPE (\S+) histogram$/gm, '');
  for (const series of parsePrometheusTextFormat(untyped)) {
    const histogram = families.get(series.name.replace(/_(bucket|sum|count)$/, ''));
    if (series.name === histogram?.name || histogram?.type !== 'HISTOGRAM') continue;
    const known = families.get(series.name);
    if (known) known.metrics.push(...series.metrics);
    else families.set(series.name, series);
  }
  return families;
}

/** Seconds since the main cluster started, from the cluster itself. */
async function mainUptimeSeconds(): Promise<number> {
  const result = await adminQuery<{ seconds: number }>(
    main,
    'SELECT extract(epoch from now() - pg_postmaster_start_time())::float8 AS seconds',
  );
  return Number(result.rows[0]?.seconds);
}

describe('GET /metrics', () => {
  const metricsToken = secret(18);
  const up = uniqueName('mt-up');
  const down = uniqueName('mt-down');
  const moving = uniqueName('mt-moving');
  let api: TestApi;
  let viewer: string;
  let operator: string;
  const secrets: string[] = [];

  function scrape(authorization?: string): Promise<Response> {
    const pending = api.http.get('/metrics');
    return authorization === undefined ? pending : pending.set('Authorization', authorization);
  }

  async function families(): Promise<Families> {
    const response = await scrape(`Bearer ${metricsToken}`);
    assert.equal(response.status, 200, response.text);
    for (const value of secrets) {
      assert.equal(response.text.includes(value), false, 'a secret in the metrics');
    }
    return parseMetrics(response.text);
  }

  before(async () => {
    assert.equal(metricsToken.length, 24);
    api = await startTestApi({
      METRICS_TOKEN: metricsToken,
      STATUS_CACHE_TTL: '1',
      COLLECTOR_ENABLED: 'false',
    });
    [viewer, operator] = await Promise.all([
      api.userToken('metrics-viewer', 'viewer'),
      api.userToken('metrics-operator', 'operator'),
    ]);
    const pgServer = (name: string, port: number) => ({
      name,
      host: '127.0.0.1',
      port,
      user: main.monitorUser,
      password: main.monitorPassword,
    });
    const bodies = [
      {
        ...pgServer(up, main.port),
        ssh_user: sshd.keyUser.login,
        ssh_port: sshd.port,
        ssh_auth_type: 'key',
        ssh_private_key: sshd.keyUser.privateKey,
      },
      pgServer(down, targets.closedPort),
      pgServer(moving, main.port),
    ];
    for (const body of bodies) {
      const created = await api.http.post('/servers').set(bearer(operator)).send(body);
      assert.equal(created.status, 201, created.text);
    }
    const keyLines = (sshd.keyUser.privateKey ?? '')
      .split('\n')
      .filter((line) => line.length >= 16 && !line.startsWith('-----'));
    secrets.push(
      metricsToken,
      main.monitorPassword,
      main.superpassword,
      TEST_ADMIN_PASSWORD,
      viewer,
      operator,
      ...keyLines,
    );
  });

  after(async () => {
    await api?.close();
  });

  describe('access', () => {
    it('answers 401 with WWW-Authenticate: Bearer without a token', async () => {
      const response = await scrape();
      assert.equal(response.status, 401);
      assert.equal(response.headers['www-authenticate'], 'Bearer');
      assert.equal(response.text.includes('pgmon_'), false);
    });

    it('answers 401 to a wrong token, also one of the right length', async () => {
      const wrong = `${metricsToken.slice(0, -1)}${metricsToken.endsWith('A') ? 'B' : 'A'}`;
      for (const authorization of [
        `Bearer ${wrong}`,
        `Bearer ${metricsToken}x`,
        metricsToken,
        `Basic ${metricsToken}`,
      ]) {
        const response = await scrape(authorization);
        assert.equal(response.status, 401, authorization);
      }
    });

    it('answers 200 in the text format 0.0.4 to METRICS_TOKEN and to a viewer token', async () => {
      for (const token of [metricsToken, viewer]) {
        const response = await scrape(`Bearer ${token}`);
        assert.equal(response.status, 200, response.text);
        assert.equal(response.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
        assert.ok(parsePrometheusTextFormat(response.text).length > 10);
      }
    });
  });

  describe('series', () => {
    let scraped: Families;

    before(async () => {
      // Past STATUS_CACHE_TTL since the last read, the next read of each server is a miss.
      await sleep(1500);
      const list = await api.http.get('/servers').set(bearer(viewer));
      assert.equal(list.status, 200, list.text);
      // A second read within STATUS_CACHE_TTL is a cache hit.
      assert.equal((await api.http.get('/servers').set(bearer(viewer))).status, 200);
      const one = await api.http.get(`/servers/${up}`).set(bearer(viewer));
      assert.equal(one.status, 200, one.text);
      assert.equal((one.body as { status: string }).status, 'ok', one.text);
      assert.equal((await api.http.get(`/no-such-route/${up}`).set(bearer(viewer))).status, 404);
      scraped = await families();
    });

    it('has request durations labelled with route patterns, never raw URLs', () => {
      assert.equal(family(scraped, 'pgmon_http_request_duration_seconds').type, 'HISTOGRAM');
      const get = { method: 'GET', status: '200' };
      const count = 'pgmon_http_request_duration_seconds_count';
      assert.ok(valueOf(scraped, count, { ...get, route: '/servers' }) >= 2);
      assert.ok(valueOf(scraped, count, { ...get, route: '/servers/:server_name' }) >= 1);
      const buckets = samples(scraped, 'pgmon_http_request_duration_seconds_bucket', {
        ...get,
        route: '/servers/:server_name',
      });
      assert.ok(buckets.some((sample) => sample.labels?.le === '+Inf'));
      const routes = family(scraped, count).metrics.map((sample) => sample.labels?.route ?? '');
      assert.ok(routes.includes('unmatched'));
      assert.equal(
        routes.some((route) => route.includes('mt-')),
        false,
        routes.join(),
      );
    });

    it('counts cache hits and misses of the status and ssh caches', () => {
      for (const name of ['pgmon_cache_hits_total', 'pgmon_cache_misses_total']) {
        assert.equal(family(scraped, name).type, 'COUNTER');
        for (const cache of ['status', 'ssh']) {
          assert.ok(valueOf(scraped, name, { cache }) >= 0, `${name}{cache="${cache}"}`);
        }
      }
      assert.ok(valueOf(scraped, 'pgmon_cache_misses_total', { cache: 'status' }) >= 3);
      assert.ok(valueOf(scraped, 'pgmon_cache_hits_total', { cache: 'status' }) >= 3);
      assert.ok(valueOf(scraped, 'pgmon_cache_misses_total', { cache: 'ssh' }) >= 1);
    });

    it('shows the pools of a monitored server: connections by state and waits', () => {
      const states = samples(scraped, 'pgmon_pool_connections', { server: up }).map(
        (sample) => sample.labels?.state,
      );
      for (const state of ['total', 'idle', 'waiting', 'max']) assert.ok(states.includes(state));
      assert.equal(family(scraped, 'pgmon_pool_waits_total').type, 'COUNTER');
      const waits = samples(scraped, 'pgmon_pool_waits_total', { server: up });
      assert.ok(waits.length >= 1 && Number(waits[0]?.value) >= 0);
    });

    it('has per-target gauges: up, connections, uptime and disk (SSH key user)', () => {
      assert.equal(valueOf(scraped, 'pgmon_target_up', { server: up }), 1);
      assert.equal(valueOf(scraped, 'pgmon_target_up', { server: down }), 0);
      assert.ok(
        valueOf(scraped, 'pgmon_target_connections', { server: up, state: 'active' }) >= 1,
        'at least the status query itself is active',
      );
      assert.ok(valueOf(scraped, 'pgmon_target_uptime_seconds', { server: up }) >= 0);
      const free = valueOf(scraped, 'pgmon_target_disk_free_bytes', { server: up });
      const total = valueOf(scraped, 'pgmon_target_disk_total_bytes', { server: up });
      assert.ok(free > 0 && total >= free, `free ${free}, total ${total}`);
      assert.deepEqual(samples(scraped, 'pgmon_target_disk_total_bytes', { server: down }), []);
      assert.deepEqual(samples(scraped, 'pgmon_target_uptime_seconds', { server: down }), []);
    });
  });

  describe('pgmon_target_uptime_seconds', () => {
    it('is the uptime in seconds, not two-decimal uptime_hours times 3600', async () => {
      // uptime_hours (two decimals) moves in steps of 36 s: wait until it is at least 8 s off
      // the true uptime, so that a gauge derived from it fails here every time, not by chance.
      const phase = (await mainUptimeSeconds()) % 36;
      if (phase < 8 || phase > 28) await sleep((((8 - phase + 36) % 36) + 0.5) * 1000);
      await sleep(1100); // a status read from now on (STATUS_CACHE_TTL=1)
      const gauge = valueOf(await families(), 'pgmon_target_uptime_seconds', { server: up });
      const actual = await mainUptimeSeconds();
      assert.ok(
        Math.abs(gauge - actual) <= 3,
        `pgmon_target_uptime_seconds ${gauge}, the cluster has been up ${actual.toFixed(1)} s`,
      );
    });
  });

  describe('collector series', () => {
    it('exposes the lag of a sampled server and the failures of an unreachable one', async () => {
      const servers = api.app.get(ServersService);
      const collector = api.app.get(CollectorService);
      await collector.collectNow((await servers.get(up)).id);
      await collector.collectNow((await servers.get(down)).id);
      await collector.collectNow((await servers.get(down)).id);
      const scraped = await families();
      assert.equal(family(scraped, 'pgmon_collector_lag_seconds').type, 'GAUGE');
      const lag = valueOf(scraped, 'pgmon_collector_lag_seconds', { server: up });
      assert.ok(lag >= 0 && lag < 60, `lag ${lag}`);
      assert.equal(family(scraped, 'pgmon_collector_failures_total').type, 'COUNTER');
      assert.equal(valueOf(scraped, 'pgmon_collector_failures_total', { server: down }), 2);
      assert.deepEqual(samples(scraped, 'pgmon_collector_failures_total', { server: up }), []);
    });
  });

  describe('a target that stops answering', () => {
    it('drops pgmon_target_up to 0 once the server points at a closed port', async () => {
      const before = await families();
      assert.equal(valueOf(before, 'pgmon_target_up', { server: moving }), 1);
      const moved = await api.http
        .put(`/servers/${moving}`)
        .set(bearer(operator))
        // A new port needs the password again (it would go to a new place).
        .send({ port: targets.closedPort, password: main.monitorPassword });
      assert.equal(moved.status, 200, moved.text);
      await eventually(
        async () => valueOf(await families(), 'pgmon_target_up', { server: moving }),
        (value) => value === 0,
        5_000,
        `pgmon_target_up{server="${moving}"}`,
        250,
      );
      const after = await families();
      assert.deepEqual(samples(after, 'pgmon_target_uptime_seconds', { server: moving }), []);
    });
  });
});

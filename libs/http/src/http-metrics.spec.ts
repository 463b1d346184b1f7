import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { HttpMetrics } from './http-metrics.js';

interface Observation {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** A real Express app with the middleware in front, as the API registers it. */
function instrumentedApp(): { app: express.Express; registry: Registry } {
  const registry = new Registry();
  const metrics = new HttpMetrics(registry);
  const app = express();
  app.use(metrics.middleware);
  app.get('/servers', (_req, res) => {
    res.json([]);
  });
  app.get('/servers/:server_name', (req, res) => {
    res.status(req.params.server_name === 'missing' ? 404 : 200).json({});
  });
  const api = express.Router();
  api.get('/pools/status', (_req, res) => {
    res.json({});
  });
  app.use('/api', api);
  return { app, registry };
}

/** The _count samples of the histogram: one per label set. */
async function counts(registry: Registry): Promise<Observation[]> {
  const metric = registry.getSingleMetric('pgmon_http_request_duration_seconds');
  assert.ok(metric, 'the histogram is registered');
  const { values } = await metric.get();
  return (values as Observation[]).filter(
    (sample) => sample.metricName === 'pgmon_http_request_duration_seconds_count',
  );
}

describe(HttpMetrics.name, () => {
  it('labels requests with the route pattern, never the raw URL', async () => {
    const { app, registry } = instrumentedApp();
    await request(app).get('/servers').expect(200);
    await request(app).get('/servers/prod-db-1').expect(200);
    await request(app).get('/servers/prod-db-2').expect(200);
    await request(app).get('/servers/missing').expect(404);
    const samples = await counts(registry);
    const find = (route: string, status: string) =>
      samples.find((s) => s.labels.route === route && s.labels.status === status)?.value;
    assert.equal(find('/servers', '200'), 1);
    assert.equal(find('/servers/:server_name', '200'), 2, 'both names in one series');
    assert.equal(find('/servers/:server_name', '404'), 1);
    assert.equal(JSON.stringify(samples).includes('prod-db'), false);
  });

  it('prefixes the mount path of a router', async () => {
    const { app, registry } = instrumentedApp();
    await request(app).get('/api/pools/status').expect(200);
    const routes = (await counts(registry)).map((sample) => sample.labels.route);
    assert.deepEqual(routes, ['/api/pools/status']);
  });

  it('puts requests that match no route under "unmatched"', async () => {
    const { app, registry } = instrumentedApp();
    await request(app).get('/no/such/path-secret-name').expect(404);
    await request(app).post('/servers').expect(404);
    const samples = await counts(registry);
    assert.deepEqual(
      samples.map((sample) => [sample.labels.method, sample.labels.route, sample.value]),
      [
        ['GET', 'unmatched', 1],
        ['POST', 'unmatched', 1],
      ],
    );
  });

  it('records durations in seconds', async () => {
    const { app, registry } = instrumentedApp();
    await request(app).get('/servers').expect(200);
    const metric = registry.getSingleMetric('pgmon_http_request_duration_seconds');
    const sum = ((await metric?.get())?.values as Observation[]).find(
      (sample) => sample.metricName === 'pgmon_http_request_duration_seconds_sum',
    );
    assert.ok(sum && sum.value > 0 && sum.value < 5, `sum ${sum?.value}`);
  });
});

import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import type { INestApplicationContext } from '@nestjs/common';
import { ChannelsService } from '#alerts';
import { CATALOG, CHECK_IDS, CheckResultsFeed, type CheckResult } from '#checks';
import { ServersService, type ServerRecord } from '#servers';
import { startCluster, stopCluster } from '../test/support/clusters.js';
import { sleep } from '../test/support/proc.js';
import type { TestTargets } from '../test/support/targets-info.js';
import { WebhookReceiver } from '../test/alerts/receivers.js';
import { startApiProcess } from './api-process.js';
import { startCollectorApp } from './collector-app.js';
import { round, summarize } from './measure.js';

const SERVERS = 500;
const CYCLES = 5;
const CHECKS_INTERVAL_S = 5;
const ROUNDS = 5;

/**
 * Issue 12's figures: the CPU one evaluation cycle of the alert rules costs for 500 servers of
 * 18 checks each (through the store, SQLite), and the time from a stopped cluster to the
 * webhook receiving its message with for_s=0 and a 5 s checks interval.
 */
export async function alertsBench(
  targets: TestTargets,
  port: number,
): Promise<Record<string, unknown>> {
  return {
    evaluation: await evaluationCycles(targets),
    stopped_cluster_to_webhook: await stopToWebhook(targets, port),
    load_average_1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
}

/**
 * 500 servers' check results handed to the alerts as the checks task does after storing them:
 * a tenth of the servers have a long query (three sessions at warning), one in fifty is down.
 * The first cycle opens the alerts and queues their messages; the next ones find them as they
 * are (the steady state), and one more moves every alert (values change: writes).
 */
async function evaluationCycles(targets: TestTargets): Promise<Record<string, unknown>> {
  const { app, close } = await startCollectorApp();
  try {
    const servers = await createServers(app, targets.closedPort);
    await app
      .get(ChannelsService)
      .create(
        { name: 'bench', type: 'webhook', url: `http://127.0.0.1:${targets.closedPort}/hook` },
        { login: 'bench', clientIp: null },
      );
    const feed = app.get(CheckResultsFeed);
    const cycle = async (value: number) => {
      const usage = process.cpuUsage();
      const started = process.hrtime.bigint();
      for (const [n, server] of servers.entries()) {
        await feed.publish({
          server,
          checkedAt: Date.now(),
          results: resultsFor(n, value),
          readable: n % 50 !== 0,
        });
      }
      const spent = process.cpuUsage(usage);
      return {
        cpu: (spent.user + spent.system) / 1000,
        wall: Number(process.hrtime.bigint() - started) / 1e6,
      };
    };
    const first = await cycle(100);
    const steady = [];
    for (let i = 0; i < CYCLES; i++) steady.push(await cycle(100));
    const moving = await cycle(200);
    const cpu = steady.map((s) => s.cpu);
    return {
      servers: SERVERS,
      checks_per_server: CHECK_IDS.length,
      first_cycle_ms: { cpu: round(first.cpu), wall: round(first.wall) },
      steady_cycle_cpu_ms: summarize(cpu),
      steady_cycle_wall_ms: summarize(steady.map((s) => s.wall)),
      cycle_with_every_alert_changing_ms: { cpu: round(moving.cpu), wall: round(moving.wall) },
      cpu_per_server_us: round((summarize(cpu).p50 * 1000) / SERVERS, 1),
    };
  } finally {
    await close();
  }
}

async function createServers(app: INestApplicationContext, port: number): Promise<ServerRecord[]> {
  const servers = app.get(ServersService);
  for (let n = 0; n < SERVERS; n++) {
    await servers.create(
      {
        name: `bench-${n}`,
        host: '127.0.0.1',
        port,
        user: 'bench',
        password: randomBytes(8).toString('hex'),
      },
      { login: 'bench' },
    );
  }
  return servers.list();
}

/** Every check ok, but a long query on one server in ten (three sessions) and one server in fifty down. */
function resultsFor(n: number, value: number): CheckResult[] {
  return CHECK_IDS.map((id): CheckResult => {
    const base: CheckResult = {
      id,
      status: 'ok',
      value: 0,
      threshold: CATALOG[id].defaults,
      message: 'fine',
      hint: CATALOG[id].hint,
      objects: [],
    };
    if (n % 50 === 0)
      return id === 'server_reachable'
        ? { ...base, status: 'critical', value: null, message: 'PostgreSQL: connection refused' }
        : { ...base, status: 'unknown', value: null, message: 'The server could not be read' };
    if (n % 10 === 0 && id === 'long_running_queries') {
      const objects = [1, 2, 3].map((pid) => ({
        pid: 1000 + pid,
        database: 'app',
        value: value + pid,
      }));
      return {
        ...base,
        status: 'warning',
        value: value + 3,
        message: `Longest active query: ${value + 3} s`,
        objects,
      };
    }
    return base;
  });
}

/**
 * The API process (production entry point, collector in it), for_s=0 and CHECKS_INTERVAL=5 on
 * the volatile cluster: stop it, time until the webhook has the firing message; start it again
 * and wait for the resolved one, at a random phase of the checks schedule each round.
 */
async function stopToWebhook(targets: TestTargets, port: number): Promise<Record<string, unknown>> {
  const cluster = targets.pg.volatile;
  const receiver = await WebhookReceiver.start();
  const api = await startApiProcess({ CHECKS_INTERVAL: String(CHECKS_INTERVAL_S) }, port);
  try {
    await api.call('PUT', '/alert-rules/server_reachable', { for_s: 0 });
    await api.call('POST', '/notification-channels', {
      name: 'bench',
      type: 'webhook',
      url: receiver.url(),
    });
    await api.call('POST', '/servers', {
      name: 'volatile',
      host: '127.0.0.1',
      port: cluster.port,
      user: cluster.monitorUser,
      password: cluster.monitorPassword,
    });
    await sleep(2 * CHECKS_INTERVAL_S * 1000);
    const delays: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = receiver.accepted().length;
      // From the stop command on: PostgreSQL refuses new connections as soon as it shuts down.
      const stopped = Date.now();
      await stopCluster(cluster, 'fast');
      await until(() => receiver.accepted().length > before, 30_000);
      delays.push((receiver.posts[receiver.posts.length - 1]?.at ?? Date.now()) - stopped);
      await startCluster(cluster);
      await until(() => receiver.accepted().length > before + 1, 30_000);
      await sleep(Math.random() * CHECKS_INTERVAL_S * 1000);
    }
    return {
      checks_interval_s: CHECKS_INTERVAL_S,
      for_s: 0,
      rounds_ms: delays,
      max_ms: Math.max(...delays),
      messages: receiver.accepted().map((message) => message.status),
    };
  } finally {
    await startCluster(cluster);
    await api.stop();
    api.removeDataDir();
    await receiver.close();
  }
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms`);
    await sleep(50);
  }
}

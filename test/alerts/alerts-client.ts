/** Shared pieces of the alert tests: an API that evaluates alerts quickly, and a client for its routes. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { LOOPBACK } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';
import type { ReceivedPost } from './receivers.js';

export const targets = readTargets();

export interface AlertView {
  id: number;
  server: string;
  check: string;
  object: string | null;
  state: 'pending' | 'firing';
  severity: string;
  since: string;
  fired_at: string | null;
  value: number | null;
  message: string;
  silenced: boolean;
}

export interface DeliveryView {
  id: number;
  alert_id: number | null;
  event: string;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  status: string;
  server: string | null;
  check: string | null;
  log: {
    at: string;
    status: number | null;
    response: string | null;
    error: string | null;
    duration_ms: number;
  }[];
}

/** The API with its collector evaluating checks (and so alerts) every second. */
export function startAlertingApi(env: Record<string, string | undefined> = {}): Promise<TestApi> {
  return startTestApi({ COLLECTOR_ENABLED: 'true', CHECKS_INTERVAL: '1', ...env });
}

/** A server whose PostgreSQL port refuses connections: server_reachable is critical at once. */
export function unreachableBody(name: string): Record<string, unknown> {
  return {
    name,
    host: LOOPBACK,
    port: targets.closedPort,
    user: 'nobody',
    password: 'unused-password',
  };
}

/** True when the POST carries `X-Pgmon-Signature: sha256=<hex HMAC-SHA256 of its body>` for `secret`. */
export function signedWith(post: ReceivedPost, secret: string): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(post.body).digest('hex')}`;
  return post.headers['x-pgmon-signature'] === expected;
}

/** The alert routes as one user. */
export class AlertsClient {
  constructor(
    private readonly api: TestApi,
    private readonly token: string,
  ) {}

  static async admin(api: TestApi): Promise<AlertsClient> {
    return new AlertsClient(api, await api.adminToken());
  }

  async addServer(body: Record<string, unknown>): Promise<void> {
    const response = await this.api.http.post('/servers').set(bearer(this.token)).send(body);
    assert.equal(response.status, 201, response.text);
  }

  async putRule(check: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await this.api.http
      .put(`/alert-rules/${check}`)
      .set(bearer(this.token))
      .send(body);
    assert.equal(response.status, 200, response.text);
    return response.body as Record<string, unknown>;
  }

  async addChannel(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await this.api.http
      .post('/notification-channels')
      .set(bearer(this.token))
      .send(body);
    assert.equal(response.status, 201, response.text);
    return response.body as Record<string, unknown>;
  }

  async alerts(): Promise<AlertView[]> {
    const response = await this.api.http.get('/alerts').set(bearer(this.token));
    assert.equal(response.status, 200, response.text);
    return response.body as AlertView[];
  }

  /** The firing alert of the server's check (the check as a whole), if any. */
  async firing(server: string, check: string): Promise<AlertView | undefined> {
    return (await this.alerts()).find(
      (alert) => alert.server === server && alert.check === check && alert.state === 'firing',
    );
  }

  async deliveries(channel: string): Promise<DeliveryView[]> {
    const response = await this.api.http
      .get(`/notification-channels/${channel}/deliveries`)
      .set(bearer(this.token));
    assert.equal(response.status, 200, response.text);
    return response.body as DeliveryView[];
  }
}

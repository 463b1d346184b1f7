import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';
import { readTargets } from '../support/targets-info.js';

describe('servers smoke', () => {
  let api: TestApi;
  let token: string;
  before(async () => {
    api = await startTestApi({ LOG_LEVEL: 'ERROR' });
    token = await api.adminToken();
  });
  after(async () => {
    await api.close();
  });
  it('adds servers and reads their status', async () => {
    const t = readTargets();
    const ssh = t.ssh.keyUser;
    const body = {
      name: 'main',
      host: '127.0.0.1',
      port: t.pg.main.port,
      user: t.pg.main.monitorUser,
      password: t.pg.main.monitorPassword,
      ssh_user: ssh.login,
      ssh_port: t.ssh.port,
      ssh_private_key: ssh.privateKey,
    };
    const created = await api.http
      .post('/servers')
      .set('Authorization', `Bearer ${token}`)
      .send(body);
    console.log(JSON.stringify(created.body, null, 1));
    assert.equal(created.status, 201);
    const silent = await api.http
      .post('/servers')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'silent', host: '127.0.0.1', port: t.silentPort, user: 'x', password: 'y' });
    console.log(silent.status, JSON.stringify(silent.body));
    const started = Date.now();
    const list = await api.http.get('/servers').set('Authorization', `Bearer ${token}`);
    console.log(Date.now() - started, JSON.stringify(list.body));
    const act = await api.http
      .get('/server_stats/main?limit=3')
      .set('Authorization', `Bearer ${token}`);
    console.log(act.status, JSON.stringify(act.body).slice(0, 600));
    const test = await api.http.post('/servers/main/test').set('Authorization', `Bearer ${token}`);
    console.log(test.status, JSON.stringify(test.body));
    const pools = await api.http.get('/api/pools/status').set('Authorization', `Bearer ${token}`);
    console.log(pools.status, JSON.stringify(pools.body));
    const health = await api.http.get('/api/health');
    console.log(health.status, JSON.stringify(health.body));
  });
});

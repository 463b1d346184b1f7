/** ACTIONS_ENABLED=false: every session action is refused, says why, and is audited. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SessionActionsService } from '#sessions';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { monitorBody } from '../support/server-bodies.js';

describe(SessionActionsService.name, () => {
  describe('ACTIONS_ENABLED=false', () => {
    let api: TestApi;
    let admin: string;
    const name = uniqueName('actions-off');

    before(async () => {
      api = await startTestApi({ COLLECTOR_ENABLED: 'false', ACTIONS_ENABLED: 'false' });
      admin = await api.adminToken();
      const created = await api.http.post('/servers').set(bearer(admin)).send(monitorBody(name));
      assert.equal(created.status, 201, created.text);
    });

    after(async () => {
      await api?.close();
    });

    it('refuses cancel and terminate with 403 saying so, even to an admin, and audits each attempt', async () => {
      for (const action of ['cancel', 'terminate']) {
        const response = await api.http
          .post(`/server/${name}/sessions/123/${action}`)
          .set(bearer(admin))
          .send({ backend_start: '2025-06-03T10:00:00Z' });
        assert.equal(response.status, 403, response.text);
        assert.match(String((response.body as { detail: string }).detail), /ACTIONS_ENABLED=false/);
      }
      const audit = await api.http.get('/audit?action=session.*').set(bearer(admin));
      const entries = audit.body as {
        action: string;
        outcome: string;
        details: Record<string, unknown>;
      }[];
      assert.deepEqual(
        entries.map((entry) => [
          entry.action,
          entry.outcome,
          entry.details.reason,
          entry.details.pid,
        ]),
        [
          ['session.terminate', 'refused', 'actions_disabled', 123],
          ['session.cancel', 'refused', 'actions_disabled', 123],
        ],
      );
    });
  });
});

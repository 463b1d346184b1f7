import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditLogService } from '#store';
import { BACKENDS, startFreshStore } from './store-harness.js';

describe(AuditLogService.name, () => {
  for (const backend of BACKENDS) {
    describe(backend, () => {
      let running: Awaited<ReturnType<typeof startFreshStore>>;
      const rowsFor = (target: string) =>
        running.store.db
          .selectFrom('audit_log')
          .selectAll()
          .where('target', '=', target)
          .orderBy('id')
          .execute();

      before(async () => {
        running = await startFreshStore(backend);
      });
      after(async () => {
        await running?.stop();
      });

      it('writes a row with time, actor, action, target, detail and client address', async () => {
        const before = Date.now();
        await running.audit.record({
          actor: 'alice',
          action: 'server.update',
          target: 'db1',
          detail: { port: 5432, tags: ['prod'] },
          clientIp: '10.0.0.1',
        });
        const [row, ...others] = await rowsFor('db1');
        assert.equal(others.length, 0);
        assert.ok(row);
        assert.equal(typeof row.at, 'number');
        assert.ok(row.at >= before && row.at <= Date.now());
        assert.deepEqual(
          [row.actor, row.action, row.target, row.client_ip],
          ['alice', 'server.update', 'db1', '10.0.0.1'],
        );
        assert.deepEqual(JSON.parse(row.detail ?? 'null'), { port: 5432, tags: ['prod'] });
      });

      it('writes nulls for what the entry leaves out', async () => {
        await running.audit.record({ actor: null, action: 'store.vacuum', target: 'nothing' });
        const [row] = await rowsFor('nothing');
        assert.deepEqual([row?.actor, row?.detail, row?.client_ip], [null, null, null]);
      });

      it('writes the detail with passwords and other secrets redacted', async () => {
        await running.audit.record({
          actor: 'alice',
          action: 'server.create',
          target: 'db2',
          detail: {
            password: 'x-password',
            host: 'db2.example.com',
            ssh: { user: 'postgres', private_key: 'x-key', passphrase: 'x-phrase' },
            extra: [{ token: 'x-token' }],
          },
        });
        const [row] = await rowsFor('db2');
        const detail = row?.detail ?? '';
        for (const secret of ['x-password', 'x-key', 'x-phrase', 'x-token']) {
          assert.ok(!detail.includes(secret), detail);
        }
        assert.deepEqual(JSON.parse(detail), {
          password: '[REDACTED]',
          host: 'db2.example.com',
          ssh: { user: 'postgres', private_key: '[REDACTED]', passphrase: '[REDACTED]' },
          extra: [{ token: '[REDACTED]' }],
        });
      });

      it('writes the outcome given, and success when none is', async () => {
        await running.audit.record({ actor: 'bob', action: 'session.cancel', target: 'o1' });
        await running.audit.record({
          actor: 'bob',
          action: 'session.cancel',
          target: 'o2',
          outcome: 'refused',
        });
        assert.deepEqual(
          [(await rowsFor('o1'))[0]?.outcome, (await rowsFor('o2'))[0]?.outcome],
          ['success', 'refused'],
        );
      });

      describe('search', () => {
        let start = 0;
        before(async () => {
          start = Date.now();
          for (const [actor, action, target] of [
            ['carol', 'session.cancel', 's1'],
            ['dave', 'session.terminate', 's2'],
            ['carol', 'server.update', 's3'],
            ['carol', 'sessionXcancel', 's4'],
          ]) {
            await running.audit.record({ actor, action, target, detail: { n: target } });
          }
        });
        const search = (filter: object) =>
          running.audit.search({ start, end: Date.now(), limit: 100, ...filter });

        it('returns the entries of the period, newest first, details parsed', async () => {
          const found = await search({ actor: 'carol' });
          assert.deepEqual(
            found.map((entry) => entry.target),
            ['s4', 's3', 's1'],
          );
          assert.deepEqual(found[2]?.details, { n: 's1' });
          assert.equal(found[2]?.outcome, 'success');
          assert.equal(found[2]?.clientIp, null);
          assert.deepEqual(await search({ actor: 'carol', end: start - 1 }), []);
        });

        it('returns one action, or the actions of a prefix ending in *', async () => {
          const exact = await search({ action: 'session.cancel', actor: 'carol' });
          assert.deepEqual(
            exact.map((entry) => entry.target),
            ['s1'],
          );
          for (const [actor, targets] of [
            ['carol', ['s1']],
            ['dave', ['s2']],
          ] as const) {
            const prefixed = await search({ action: 'session.*', actor });
            assert.deepEqual(
              prefixed.map((entry) => entry.target),
              targets,
            );
          }
        });

        it('returns at most limit entries', async () => {
          assert.equal((await search({ limit: 2 })).length, 2);
        });
      });

      it('writes user changes without passwords or hashes', async () => {
        const actor = { login: 'admin', clientIp: '127.0.0.1' };
        await running.users.create(
          { login: 'erin', password: 'erin-first-password', role: 'viewer', isActive: true },
          actor,
        );
        await running.users.update('erin', { password: 'erin-second-password' }, actor);
        const hash = (await running.users.get('erin')).passwordHash;
        await running.users.delete('erin', actor);
        const rows = await rowsFor('erin');
        assert.deepEqual(
          rows.map((row) => [row.action, row.actor, row.client_ip]),
          [
            ['user.create', 'admin', '127.0.0.1'],
            ['user.update', 'admin', '127.0.0.1'],
            ['user.delete', 'admin', '127.0.0.1'],
          ],
        );
        const text = JSON.stringify(rows);
        for (const secret of ['erin-first-password', 'erin-second-password', hash, '$2b$']) {
          assert.ok(!text.includes(secret), `${secret} in ${text}`);
        }
        const update = JSON.parse(rows[1]?.detail ?? '{}') as { credentials_reset?: unknown };
        assert.equal(update.credentials_reset, true);
      });
    });
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerRecord } from '#servers';
import type { DiskReading } from './disk-probe.js';
import type { PgReading } from './postgres-probe.js';
import { composeEntry, statusText } from './status-entry.factory.js';

const PG_OK: PgReading = {
  ok: true,
  row: {
    version: '15.4',
    version_num: 150004,
    uptime_hours: 12.25,
    uptime_seconds: 44_100,
    data_directory: '/var/lib/postgresql/15/main',
    connections: { active: 1, idle: 2 },
  },
};

function pgFailed(reason: string): PgReading {
  return { ok: false, failure: { code: 'x', reason, message: 'm' } };
}

const DISK_OK: DiskReading = {
  ok: true,
  result: {
    usage: {
      path: '/var/lib/postgresql/15/main',
      totalBytes: 2000,
      freeBytes: 1200,
      availableBytes: 1000,
      method: 'statvfs',
    },
    hostKey: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
    firstContact: true,
    cached: false,
    checkedAt: new Date('2025-01-01T00:00:01Z'),
  },
};

function diskFailed(reason: string): DiskReading {
  return { ok: false, failure: { code: 'x', reason, message: 'm' } };
}

const SERVER: ServerRecord = {
  id: 3,
  name: 'db1',
  host: '10.0.0.1',
  port: 5432,
  user: 'monitor',
  database: 'postgres',
  sslMode: 'disable',
  sshUser: 'root',
  sshPort: 22,
  sshAuthType: 'password',
  sshHostKey: null,
  statsDb: null,
  generation: 2,
  createdAt: new Date('2025-01-01T00:00:00Z'),
  updatedAt: new Date('2025-01-01T00:00:00Z'),
  sealed: {
    pg_password: 'v1.abcd.sealed-pg',
    ssh_password: 'v1.abcd.sealed-ssh',
    ssh_private_key: null,
    ssh_key_passphrase: null,
  },
  sshKey: null,
};

const TIMING = { checkedAt: new Date('2025-01-01T00:00:00Z'), responseMs: 12 };

describe('statusText', () => {
  it('returns "ok" when PostgreSQL answered and SSH is not configured', () => {
    assert.equal(statusText(PG_OK, null), 'ok');
  });

  it('returns "ok" when PostgreSQL answered and the disk was read', () => {
    assert.equal(statusText(PG_OK, DISK_OK), 'ok');
  });

  it('returns "ok (SSH: <reason>)" when only the disk read failed', () => {
    assert.equal(statusText(PG_OK, diskFailed('host key changed')), 'ok (SSH: host key changed)');
  });

  it('returns "PostgreSQL: <reason>" without "ok" when PostgreSQL failed, whatever SSH did', () => {
    for (const disk of [null, DISK_OK, diskFailed('timeout')]) {
      const text = statusText(pgFailed('connection refused'), disk);
      assert.equal(text, 'PostgreSQL: connection refused');
      assert.doesNotMatch(text, /ok/);
    }
  });
});

describe('composeEntry', () => {
  it('returns the seed fields first, in the seed order', () => {
    const entry = composeEntry(SERVER, PG_OK, DISK_OK, TIMING);
    assert.deepEqual(Object.keys(entry).slice(0, 9), [
      'name',
      'host',
      'port',
      'version',
      'connections',
      'uptime_hours',
      'free_space',
      'total_space',
      'status',
    ]);
    assert.equal(entry.free_space, 1000);
    assert.equal(entry.total_space, 2000);
    assert.equal(entry.status, 'ok');
    assert.equal(entry.disk_checked_at, '2025-01-01T00:00:01.000Z');
    assert.equal(entry.uptime_seconds, 44_100);
  });

  it('returns the host key seen at first contact, and no sealed secret', () => {
    const entry = composeEntry(SERVER, PG_OK, DISK_OK, TIMING);
    assert.equal(entry.ssh_host_key, DISK_OK.ok ? DISK_OK.result.hostKey : '');
    assert.equal(entry.has_password, true);
    assert.equal(entry.has_ssh_password, true);
    assert.ok(!JSON.stringify(entry).includes('sealed'), 'no sealed value in the entry');
  });

  it('returns nulls and the error when PostgreSQL failed', () => {
    const entry = composeEntry(SERVER, pgFailed('timeout'), null, TIMING);
    assert.equal(entry.version, null);
    assert.equal(entry.connections, null);
    assert.equal(entry.uptime_hours, null);
    assert.equal(entry.uptime_seconds, null);
    assert.equal(entry.free_space, null);
    assert.equal(entry.status, 'PostgreSQL: timeout');
    assert.deepEqual(entry.pg_error, { code: 'x', message: 'm' });
    assert.equal(entry.ssh_error, null);
  });
});

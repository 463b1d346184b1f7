import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateServerDto } from '#servers';
import { toServerDto } from './server-input.js';

describe('toServerDto', () => {
  const valid = { name: 'db-1', host: '127.0.0.1', port: 5432, user: 'pgmon', password: 'pw' };

  it('returns a CreateServerDto for a valid entry, converting a numeric string port', async () => {
    const dto = await toServerDto({ ...valid, port: '6543', ssh_user: '', stats_db: '' });
    assert.ok(dto instanceof CreateServerDto, JSON.stringify(dto));
    assert.equal(dto.port, 6543);
    assert.equal(dto.ssh_user, null, 'an empty ssh_user means no SSH');
    assert.equal(dto.stats_db, null);
  });

  it('returns every problem of an invalid entry, as POST /servers would report them', async () => {
    const problems = await toServerDto({ ...valid, name: 'bad name!', port: 70000 });
    assert.ok(Array.isArray(problems));
    assert.ok(
      problems.some((problem) => problem.startsWith('name must be')),
      problems.join(),
    );
    assert.ok(problems.includes('port must be between 1 and 65535'), problems.join());
  });

  it('refuses an entry without host or user', async () => {
    const problems = await toServerDto({ name: 'db-2', port: 5432 });
    assert.ok(Array.isArray(problems));
    assert.ok(
      problems.some((problem) => problem.includes('host')),
      problems.join(),
    );
    assert.ok(
      problems.some((problem) => problem.includes('user')),
      problems.join(),
    );
  });
});

/**
 * /api/ssh-keys end to end: keys generated and imported through the API, servers that
 * reference them by ssh_key_id logging in to the real sshd of the harness (the generated keys
 * are authorized there first, through their downloaded public key), private keys sealed in the
 * store and never returned, and a key in use never deleted.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { StoreService } from '#store';
import { bearer, startTestApi, type TestApi } from '../support/api.js';
import { uniqueName } from '../support/names.js';
import { assertNoSecretIn, issueLocations } from '../support/responses.js';
import { monitorBody } from '../support/server-bodies.js';
import { readTargets } from '../support/targets-info.js';

interface KeyBody {
  id: string;
  name: string;
  fingerprint: string;
  key_type: string;
  created_at: string;
  created_by: string;
  public_key: string;
  has_passphrase: boolean;
  servers_count: number;
  description: string | null;
}

interface EntryBody {
  name: string;
  status: string;
  free_space: number | null;
  ssh_auth_type: string;
  ssh_key_id: string | null;
  ssh_key_info: { name: string; fingerprint: string } | null;
  has_ssh_private_key: boolean;
  has_ssh_key_passphrase: boolean;
}

const KEY_VIEW_FIELDS = [
  'created_at',
  'created_by',
  'description',
  'fingerprint',
  'has_passphrase',
  'id',
  'key_type',
  'name',
  'public_key',
  'servers_count',
];

/** `SHA256:...` of an OpenSSH public key line, as ssh-keygen -lf prints it. */
function fingerprintOfLine(line: string): string {
  const wire = Buffer.from(line.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`;
}

describe('SshKeysController', () => {
  const { ssh: sshd, pg, workDir } = readTargets();
  const { keyUser } = sshd;
  let api: TestApi;
  let operator: { Authorization: string };

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false', STATUS_CACHE_TTL: '0' });
    operator = bearer(await api.userToken('keys-operator', 'operator'));
  });

  after(async () => {
    await api?.close();
  });

  function generate(body: Record<string, unknown>): Promise<Response> {
    return api.http.post('/api/ssh-keys/generate').set(operator).send(body);
  }

  function importKey(body: Record<string, unknown>): Promise<Response> {
    return api.http.post('/api/ssh-keys/import').set(operator).send(body);
  }

  async function created(response: Response): Promise<KeyBody> {
    assert.equal(response.status, 201, response.text);
    const key = response.body as KeyBody;
    assert.deepEqual(Object.keys(key).sort(), KEY_VIEW_FIELDS);
    assertNoSecretIn(response.text, ['PRIVATE KEY'], 'a key view');
    return Promise.resolve(key);
  }

  /** Authorizes the key's public half for the harness's key user, as an admin would. */
  async function authorize(key: KeyBody): Promise<void> {
    const file = await api.http.get(`/api/ssh-keys/${key.id}/download-public`).set(operator);
    assert.equal(file.status, 200, file.text);
    const { content } = file.body as { content: string };
    await appendFile(join(workDir, 'authorized_keys', keyUser.login), content);
  }

  /** A server on the main cluster that logs in over SSH with the managed key. */
  async function serverWith(key: KeyBody, name = uniqueName('keyed')): Promise<EntryBody> {
    const response = await api.http
      .post('/api/servers')
      .set(operator)
      .send(
        monitorBody(name, pg.main, {
          ssh_user: keyUser.login,
          ssh_port: sshd.port,
          ssh_auth_type: 'key',
          ssh_key_id: key.id,
          ssh_key_passphrase: '',
        }),
      );
    assert.equal(response.status, 201, response.text);
    return response.body as EntryBody;
  }

  function testSsh(name: string): Promise<Response> {
    return api.http.post(`/api/servers/${name}/test-ssh`).set(operator);
  }

  describe('POST /api/ssh-keys/generate', () => {
    it('returns an ed25519 key whose public half and fingerprint agree, never its private half', async () => {
      const key = await created(await generate({ name: 'gen-ed', key_type: 'ed25519' }));
      assert.equal(key.key_type, 'ed25519');
      assert.match(key.public_key, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+ pgmon-gen-ed$/);
      assert.equal(key.fingerprint, fingerprintOfLine(key.public_key));
      assert.equal(key.has_passphrase, false);
      assert.equal(key.servers_count, 0);
      assert.equal(key.created_by, 'keys-operator');
    });

    it('returns a 2048-bit RSA key encrypted with the passphrase given', async () => {
      const key = await created(
        await generate({ name: 'gen-rsa', key_type: 'rsa', key_size: 2048, passphrase: 'pp-1' }),
      );
      assert.equal(key.key_type, 'rsa');
      assert.match(key.public_key, /^ssh-rsa AAAAB3NzaC1yc2E/);
      assert.equal(key.has_passphrase, true);
    });

    it('refuses a bad type, size or name with 422 naming the field', async () => {
      for (const [field, body] of [
        ['key_type', { name: 'bad', key_type: 'dsa' }],
        ['key_size', { name: 'bad', key_type: 'rsa', key_size: 1024 }],
        ['key_size', { name: 'bad', key_type: 'rsa', key_size: 'big' }],
        ['name', { name: '', key_type: 'ed25519' }],
        ['name', { name: 'x'.repeat(65), key_type: 'ed25519' }],
        ['name', { name: 'tab\there', key_type: 'ed25519' }],
        ['passphrase', { name: 'bad', passphrase: 42 }],
      ] as const) {
        assert.deepEqual(
          issueLocations(await generate(body)),
          [`body.${field}`],
          JSON.stringify(body),
        );
      }
    });

    it('answers 409 for a name taken in any case', async () => {
      const response = await generate({ name: 'GEN-ED', key_type: 'ed25519' });
      assert.equal(response.status, 409, response.text);
    });

    it('refuses a viewer with 403', async () => {
      const viewer = bearer(await api.userToken('keys-viewer', 'viewer'));
      const response = await api.http
        .post('/api/ssh-keys/generate')
        .set(viewer)
        .send({ name: 'by-viewer', key_type: 'ed25519' });
      assert.equal(response.status, 403);
      assert.equal((await api.http.get('/api/ssh-keys').set(viewer)).status, 403);
    });
  });

  describe('POST /api/ssh-keys/import', () => {
    it('returns the harness key with the fingerprint of its public half', async () => {
      const key = await created(
        await importKey({
          name: 'harness-ed',
          private_key: keyUser.privateKey,
          description: 'sshd',
        }),
      );
      assert.equal(key.key_type, 'ed25519');
      assert.equal(key.description, 'sshd');
      assert.equal(key.has_passphrase, false);
      assert.equal(key.fingerprint, fingerprintOfLine(key.public_key));
    });

    it('answers 409 for a key kept already, naming it', async () => {
      const response = await importKey({ name: 'again', private_key: keyUser.privateKey });
      assert.equal(response.status, 409);
      assert.match((response.body as { detail: string }).detail, /harness-ed/);
    });

    it('refuses a wrong or missing passphrase (body.passphrase) and a non-key (body.private_key)', async () => {
      const rsa = keyUser.rsaKey ?? '';
      assert.deepEqual(issueLocations(await importKey({ name: 'r', private_key: rsa })), [
        'body.passphrase',
      ]);
      assert.deepEqual(
        issueLocations(await importKey({ name: 'r', private_key: rsa, passphrase: 'wrong' })),
        ['body.passphrase'],
      );
      const garbled =
        '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----';
      for (const privateKey of [garbled, 'hello', 42]) {
        assert.deepEqual(issueLocations(await importKey({ name: 'r', private_key: privateKey })), [
          'body.private_key',
        ]);
      }
    });

    it('keeps the private key and passphrase sealed in the store', async () => {
      const key = await created(
        await importKey({
          name: 'harness-rsa',
          private_key: keyUser.rsaKey,
          passphrase: keyUser.rsaPassphrase,
        }),
      );
      assert.equal(key.has_passphrase, true);
      const row = await api.app
        .get(StoreService)
        .db.selectFrom('ssh_keys')
        .selectAll()
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow();
      assert.match(row.private_key, /^v1\./);
      assert.match(row.passphrase ?? '', /^v1\./);
      assertNoSecretIn(
        JSON.stringify(row),
        ['PRIVATE KEY', keyUser.rsaPassphrase ?? ''],
        'the row',
      );
    });
  });

  describe('servers that reference a key (ssh_key_id)', () => {
    let imported: KeyBody;

    before(async () => {
      const list = await api.http.get('/api/ssh-keys').set(operator);
      imported = (list.body as KeyBody[]).find((key) => key.name === 'harness-ed') as KeyBody;
      assert.ok(imported);
    });

    it('reads the disk over the real sshd with an imported key', async () => {
      const entry = await serverWith(imported);
      assert.equal(entry.status, 'ok', JSON.stringify(entry));
      assert.equal(typeof entry.free_space, 'number');
      assert.equal(entry.ssh_auth_type, 'key');
      assert.equal(entry.ssh_key_id, imported.id);
      assert.deepEqual(entry.ssh_key_info, {
        name: 'harness-ed',
        fingerprint: imported.fingerprint,
      });
      assert.equal(entry.has_ssh_private_key, false);
      const answer = await testSsh(entry.name);
      assert.equal(answer.status, 200, answer.text);
      assert.equal((answer.body as { success: boolean }).success, true, answer.text);
    });

    it('logs in with generated keys once their public keys are authorized, passphrase included', async () => {
      const keys = (await api.http.get('/api/ssh-keys').set(operator)).body as KeyBody[];
      for (const name of ['gen-ed', 'gen-rsa']) {
        const key = keys.find((each) => each.name === name) as KeyBody;
        const entry = await serverWith(key);
        const before = await testSsh(entry.name);
        assert.equal(
          (before.body as { success: boolean }).success,
          false,
          `${name} not authorized yet`,
        );
        await authorize(key);
        const answer = await testSsh(entry.name);
        assert.deepEqual(
          [answer.status, (answer.body as { success: boolean }).success],
          [200, true],
          `${name}: ${answer.text}`,
        );
        assert.equal((answer.body as { auth_type: string }).auth_type, 'key');
      }
    });

    it('keeps the reference when the server moves, and drops it for password authentication', async () => {
      const entry = await serverWith(imported);
      const moved = await api.http
        .put(`/api/servers/${entry.name}`)
        .set(operator)
        .send({ host: 'localhost', password: pg.main.monitorPassword });
      assert.equal(moved.status, 200, moved.text);
      assert.equal((moved.body as EntryBody).ssh_key_id, imported.id);
      assert.equal(((await testSsh(entry.name)).body as { success: boolean }).success, true);
      const password = await api.http
        .put(`/api/servers/${entry.name}`)
        .set(operator)
        .send({ ssh_auth_type: 'password', ssh_password: 'some-password', ssh_key_id: '' });
      assert.equal(password.status, 200, password.text);
      assert.equal((password.body as EntryBody).ssh_key_id, null);
    });

    it('takes the whole entry back as the upstream UI sends it', async () => {
      const entry = await serverWith(imported);
      const edited = {
        ...entry,
        password: '',
        ssh_password: '',
        ssh_key_passphrase: '',
        ssh_port: sshd.port,
      };
      const response = await api.http.put(`/api/servers/${entry.name}`).set(operator).send(edited);
      assert.equal(response.status, 200, response.text);
      assert.equal((response.body as EntryBody).ssh_key_id, imported.id);
    });

    it('refuses an unknown or malformed ssh_key_id, or a key of its own besides, with 422', async () => {
      for (const [sshKeyId, extra] of [
        ['00000000-0000-4000-8000-000000000000', {}],
        ['not-a-uuid', {}],
        [imported.id, { ssh_private_key: keyUser.privateKey }],
      ] as const) {
        const response = await api.http
          .post('/api/servers')
          .set(operator)
          .send(
            monitorBody(uniqueName('bad-key'), pg.main, {
              ssh_user: keyUser.login,
              ssh_key_id: sshKeyId,
              ...extra,
            }),
          );
        assert.deepEqual(issueLocations(response), ['body.ssh_key_id'], sshKeyId);
      }
    });
  });

  describe('GET /api/ssh-keys/{key_id}/servers and DELETE /api/ssh-keys/{key_id}', () => {
    it('lists the servers using a key, and refuses to delete it while they do, naming them', async () => {
      const key = await created(await generate({ name: 'in-use', key_type: 'ed25519' }));
      const entry = await serverWith(key);
      const users = await api.http.get(`/api/ssh-keys/${key.id}/servers`).set(operator);
      assert.equal(users.status, 200);
      assert.deepEqual(users.body, {
        key_name: 'in-use',
        servers_count: 1,
        servers: [{ name: entry.name, host: '127.0.0.1' }],
      });
      const refused = await api.http.delete(`/api/ssh-keys/${key.id}`).set(operator);
      assert.equal(refused.status, 409);
      assert.match((refused.body as { detail: string }).detail, new RegExp(entry.name));
      const listed = await api.http.get(`/api/ssh-keys/${key.id}`).set(operator);
      assert.equal((listed.body as KeyBody).servers_count, 1);
      assert.equal((await api.http.delete(`/api/servers/${entry.name}`).set(operator)).status, 200);
      const deleted = await api.http.delete(`/api/ssh-keys/${key.id}`).set(operator);
      assert.equal(deleted.status, 200, deleted.text);
      assert.deepEqual(deleted.body, { message: 'SSH key in-use deleted' });
      assert.equal((await api.http.get(`/api/ssh-keys/${key.id}`).set(operator)).status, 404);
    });

    it('answers 404 for an unknown or malformed key id', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
        const response = await api.http.get(`/api/ssh-keys/${id}`).set(operator);
        assert.equal(response.status, 404);
        assert.deepEqual(response.body, { detail: 'SSH key not found' });
      }
    });
  });

  describe('PUT /api/ssh-keys/{key_id}', () => {
    it('renames a key and changes its description; servers show the new name', async () => {
      const key = await created(await generate({ name: 'to-rename', key_type: 'ed25519' }));
      const entry = await serverWith(key);
      const renamed = await api.http
        .put(`/api/ssh-keys/${key.id}`)
        .set(operator)
        .send({ name: 'renamed', description: 'new words', fingerprint: 'ignored' });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal((renamed.body as KeyBody).name, 'renamed');
      assert.equal((renamed.body as KeyBody).fingerprint, key.fingerprint);
      const server = await api.http.get(`/api/servers/${entry.name}`).set(operator);
      assert.equal((server.body as EntryBody).ssh_key_info?.name, 'renamed');
      const cleared = await api.http
        .put(`/api/ssh-keys/${key.id}`)
        .set(operator)
        .send({ description: null });
      assert.equal((cleared.body as KeyBody).description, null);
    });

    it('answers 409 for a name another key has', async () => {
      const key = await created(await generate({ name: 'third', key_type: 'ed25519' }));
      const response = await api.http
        .put(`/api/ssh-keys/${key.id}`)
        .set(operator)
        .send({ name: 'Harness-Ed' });
      assert.equal(response.status, 409);
    });
  });

  describe('GET /api/ssh-keys/{key_id}/download-public', () => {
    it('returns the public key as a file named after the key', async () => {
      const key = await created(await generate({ name: 'my key/1', key_type: 'ed25519' }));
      const response = await api.http.get(`/api/ssh-keys/${key.id}/download-public`).set(operator);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, {
        filename: 'my_key_1_id_ed25519.pub',
        content: `${key.public_key}\n`,
        content_type: 'text/plain',
      });
    });
  });

  describe('GET /api/ssh-keys', () => {
    it('returns every key oldest first, with no private key or passphrase anywhere', async () => {
      const response = await api.http.get('/api/ssh-keys').set(operator);
      assert.equal(response.status, 200);
      const names = (response.body as KeyBody[]).map((key) => key.name);
      assert.deepEqual(names.slice(0, 2), ['gen-ed', 'gen-rsa']);
      assertNoSecretIn(
        response.text,
        ['PRIVATE KEY', keyUser.rsaPassphrase ?? '', 'pp-1'],
        'the key list',
      );
    });
  });
});

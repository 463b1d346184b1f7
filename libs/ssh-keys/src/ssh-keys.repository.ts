import { Injectable } from '@nestjs/common';
import type { Insertable } from 'kysely';
import { StoreService, type SshKeysTable } from '#store';
import { KEY_TYPES, type KeyType } from './key-material.js';
import type { KeyUser, SshKeyRecord } from './ssh-key.record.js';

export type NewSshKeyRow = Insertable<SshKeysTable>;

/** Columns read back: never the sealed private key or passphrase, only whether one is set. */
const PUBLIC_COLUMNS = [
  'ssh_keys.id',
  'ssh_keys.name',
  'ssh_keys.description',
  'ssh_keys.key_type',
  'ssh_keys.fingerprint',
  'ssh_keys.public_key',
  'ssh_keys.created_by',
  'ssh_keys.created_at',
  'ssh_keys.updated_at',
] as const;

/** The ssh_keys table, and which servers reference a key. SQL only. */
@Injectable()
export class SshKeysRepository {
  constructor(private readonly store: StoreService) {}

  async list(): Promise<SshKeyRecord[]> {
    const rows = await this.selectKeys().orderBy('ssh_keys.created_at').execute();
    return rows.map(toRecord);
  }

  async find(id: string): Promise<SshKeyRecord | undefined> {
    const row = await this.selectKeys().where('ssh_keys.id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findByFingerprint(fingerprint: string): Promise<SshKeyRecord | undefined> {
    const row = await this.selectKeys()
      .where('ssh_keys.fingerprint', '=', fingerprint)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async insert(row: NewSshKeyRow): Promise<void> {
    await this.store.db.insertInto('ssh_keys').values(row).execute();
  }

  /** false when the key no longer exists. */
  async update(
    id: string,
    changes: { name?: string; description?: string | null },
  ): Promise<boolean> {
    const result = await this.store.db
      .updateTable('ssh_keys')
      .set({ ...changes, updated_at: Date.now() })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.store.db
      .deleteFrom('ssh_keys')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async users(id: string): Promise<KeyUser[]> {
    return this.store.db
      .selectFrom('servers')
      .select(['name', 'host'])
      .where('ssh_key_id', '=', id)
      .orderBy('name')
      .execute();
  }

  private selectKeys() {
    return this.store.db
      .selectFrom('ssh_keys')
      .select(PUBLIC_COLUMNS)
      .select((eb) => [
        eb('ssh_keys.passphrase', 'is not', null).as('has_passphrase'),
        eb
          .selectFrom('servers')
          .select((sub) => sub.fn.countAll<number>().as('n'))
          .whereRef('servers.ssh_key_id', '=', 'ssh_keys.id')
          .as('servers_count'),
      ]);
  }
}

function toRecord(row: {
  id: string;
  name: string;
  description: string | null;
  key_type: string;
  fingerprint: string;
  public_key: string;
  created_by: string;
  created_at: number;
  updated_at: number;
  has_passphrase: unknown;
  servers_count: unknown;
}): SshKeyRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    keyType: (KEY_TYPES as readonly string[]).includes(row.key_type)
      ? (row.key_type as KeyType)
      : 'rsa',
    fingerprint: row.fingerprint,
    publicKey: row.public_key,
    // SQLite answers 0/1, PostgreSQL a boolean.
    hasPassphrase: Boolean(Number(row.has_passphrase)),
    createdBy: row.created_by,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    serversCount: Number(row.servers_count ?? 0),
  };
}

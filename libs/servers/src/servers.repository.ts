import { Injectable } from '@nestjs/common';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { StoreService, type ServersTable } from '#store';
import {
  SSH_AUTH_TYPES,
  SSL_MODES,
  type ManagedKeyRef,
  type ServerRecord,
  type SshAuthType,
  type SslMode,
} from './server.record.js';

/** A server row with the managed key it references (left join: null columns without one). */
export type ServerRow = Selectable<ServersTable> & {
  key_name: string | null;
  key_fingerprint: string | null;
  key_private_key: string | null;
  key_passphrase: string | null;
};
export type NewServerRow = Omit<
  Insertable<ServersTable>,
  'id' | 'generation' | 'created_at' | 'updated_at'
>;
export type ServerRowChanges = Omit<
  Updateable<ServersTable>,
  'id' | 'generation' | 'created_at' | 'updated_at'
>;

/** Servers in the store: SQL only, rules live in ServersService. */
@Injectable()
export class ServersRepository {
  constructor(private readonly store: StoreService) {}

  async list(): Promise<ServerRecord[]> {
    const rows = await this.selectServers().orderBy('servers.name').execute();
    return rows.map(toRecord);
  }

  async findByName(name: string): Promise<ServerRecord | undefined> {
    const row = await this.selectServers().where('servers.name', '=', name).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** The server whose name equals `name` ignoring case (names are unique that way). */
  async findByNameIgnoringCase(name: string): Promise<ServerRecord | undefined> {
    const row = await this.selectServers()
      .where((eb) => eb(eb.fn('lower', ['servers.name']), '=', name.toLowerCase()))
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findById(id: number): Promise<ServerRecord | undefined> {
    const row = await this.selectServers().where('servers.id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** True when a managed SSH key has this id. */
  async keyExists(id: string): Promise<boolean> {
    const row = await this.store.db
      .selectFrom('ssh_keys')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insert(row: NewServerRow): Promise<void> {
    const now = Date.now();
    await this.store.db
      .insertInto('servers')
      .values({ ...row, generation: 1, created_at: now, updated_at: now })
      .execute();
  }

  /** Applies the changes and bumps the generation; false when the server no longer exists. */
  async update(id: number, changes: ServerRowChanges): Promise<boolean> {
    const result = await this.store.db
      .updateTable('servers')
      .set((eb) => ({ ...changes, generation: eb('generation', '+', 1), updated_at: Date.now() }))
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.store.db
      .deleteFrom('servers')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Records a first-contact SSH host key, unless one was pinned meanwhile. Not a config change. */
  async pinHostKey(id: number, generation: number, fingerprint: string): Promise<boolean> {
    const result = await this.store.db
      .updateTable('servers')
      .set({ ssh_host_key: fingerprint })
      .where('id', '=', id)
      .where('generation', '=', generation)
      .where('ssh_host_key', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private selectServers() {
    return this.store.db
      .selectFrom('servers')
      .leftJoin('ssh_keys', 'ssh_keys.id', 'servers.ssh_key_id')
      .selectAll('servers')
      .select([
        'ssh_keys.name as key_name',
        'ssh_keys.fingerprint as key_fingerprint',
        'ssh_keys.private_key as key_private_key',
        'ssh_keys.passphrase as key_passphrase',
      ]);
  }
}

function toRecord(row: ServerRow): ServerRecord {
  return {
    id: Number(row.id),
    name: row.name,
    host: row.host,
    port: Number(row.port),
    user: row.pg_user,
    database: row.database,
    sslMode: oneOf(SSL_MODES, row.ssl_mode, 'disable') as SslMode,
    sshUser: row.ssh_user,
    sshPort: Number(row.ssh_port),
    sshAuthType: oneOf(SSH_AUTH_TYPES, row.ssh_auth_type, 'password') as SshAuthType,
    sshHostKey: row.ssh_host_key,
    statsDb: row.stats_db,
    generation: Number(row.generation),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    sealed: {
      pg_password: row.pg_password,
      ssh_password: row.ssh_password,
      ssh_private_key: row.ssh_private_key,
      ssh_key_passphrase: row.ssh_key_passphrase,
    },
    sshKey: managedKeyOf(row),
  };
}

function managedKeyOf(row: ServerRow): ManagedKeyRef | null {
  if (row.ssh_key_id === null || row.key_private_key === null) return null;
  return {
    id: row.ssh_key_id,
    name: row.key_name ?? '',
    fingerprint: row.key_fingerprint ?? '',
    sealedPrivateKey: row.key_private_key,
    sealedPassphrase: row.key_passphrase,
  };
}

function oneOf(allowed: readonly string[], value: string, fallback: string): string {
  return allowed.includes(value) ? value : fallback;
}

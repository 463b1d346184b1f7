import { sql, type Kysely } from 'kysely';

/**
 * SSH keys managed by pgmon (generated or imported), which servers reference by id instead of
 * carrying a private key of their own. The private key and its passphrase are sealed like the
 * servers' secrets. A key that servers use cannot be deleted (the service says which servers;
 * the foreign key holds against races).
 */
export function sshKeys() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('ssh_keys')
        .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
        .addColumn('name', 'varchar(64)', (col) => col.notNull())
        .addColumn('description', 'varchar(512)')
        .addColumn('key_type', 'varchar(16)', (col) => col.notNull())
        .addColumn('fingerprint', 'varchar(64)', (col) => col.notNull().unique())
        .addColumn('public_key', 'text', (col) => col.notNull())
        .addColumn('private_key', 'text', (col) => col.notNull())
        .addColumn('passphrase', 'text')
        .addColumn('created_by', 'varchar(64)', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('ssh_keys_name_lower')
        .on('ssh_keys')
        .unique()
        .expression(sql`lower(name)`)
        .execute();
      await db.schema
        .alterTable('servers')
        .addColumn('ssh_key_id', 'varchar(36)', (col) =>
          col.references('ssh_keys.id').onDelete('restrict'),
        )
        .execute();
      await db.schema.createIndex('servers_ssh_key').on('servers').column('ssh_key_id').execute();
    },
  };
}

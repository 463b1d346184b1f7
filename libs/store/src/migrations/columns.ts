import type { CreateTableBuilder } from 'kysely';
import type { StoreDialect } from '../schema.js';

/** An auto-increment integer primary key named `id`, spelled the way each backend wants it. */
export function addIdColumn<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: StoreDialect,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'sqlite'
    ? table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    : table.addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity());
}

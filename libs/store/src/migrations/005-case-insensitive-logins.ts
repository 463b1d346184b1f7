import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * Logins become unique regardless of case (`Alice` and `alice` are one account), and every
 * account gets a random `account_id` that its tokens carry, so a deleted and re-created login
 * never revives old tokens (token versions restart at 0). Tokens issued before this migration
 * carry no account id and stop working: users log in again.
 *
 * Existing logins that differ only in case cannot be merged without choosing whose password and
 * role win, so the migration refuses to run and names them; the operator keeps one of each.
 */
export function caseInsensitiveLogins() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await refuseCaseDuplicates(db);
      await db.schema
        .createIndex('users_login_lower')
        .on('users')
        .unique()
        .expression(sql`lower(login)`)
        .execute();
      await db.schema
        .alterTable('users')
        .addColumn('account_id', 'varchar(36)', (col) => col.notNull().defaultTo(''))
        .execute();
      const { rows } = await sql<{ login: string }>`select login from users`.execute(db);
      for (const { login } of rows) {
        await sql`update users set account_id = ${randomUUID()} where login = ${login}`.execute(db);
      }
    },
  };
}

async function refuseCaseDuplicates(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ login: string; folded: string }>`
    select login, lower(login) as folded from users
    where lower(login) in (select lower(login) from users group by lower(login) having count(*) > 1)
    order by lower(login), login`.execute(db);
  if (rows.length === 0) return;
  const groups = new Map<string, string[]>();
  for (const row of rows) groups.set(row.folded, [...(groups.get(row.folded) ?? []), row.login]);
  const listed = [...groups.values()]
    .map((logins) => logins.map((login) => `"${login}"`).join(' and '))
    .join('; ');
  throw new Error(
    `Logins must now be unique regardless of case, but these differ only in case: ${listed}. ` +
      'Keep one login of each group (delete or rename the others in the users table of the ' +
      'store, with the previous pgmon version or SQL), then start pgmon again.',
  );
}

import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import {
  isRole,
  LOGIN_PATTERN,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_LENGTH,
  UsersService,
  type Role,
  type UpdateUserInput,
} from '#auth';
import { readPassword } from '../read-password.js';
import { UsageError } from './usage-error.js';

export const USER_USAGE = `Usage:
  pgmon user add <login> [--role viewer|operator|admin]   password read from stdin
  pgmon user passwd <login>                               password read from stdin
  pgmon user role <login> viewer|operator|admin
  pgmon user disable <login>                              its tokens stop working at once
  pgmon user enable <login>
  pgmon user delete <login>
  pgmon user list
The last active admin cannot be demoted, disabled or deleted.`;

const CLI_ACTOR = { login: 'cli' };

/** `pgmon user ...`: manage users without the API (replaces the seed's Python one-liner). */
export async function runUserCommand(
  app: INestApplicationContext,
  args: string[],
): Promise<string> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string', default: 'viewer' } },
  });
  const [action, login, role] = positionals;
  const users = app.get(UsersService);
  switch (action) {
    case 'add':
      return addUser(users, requireLogin(login), requireRole(values.role));
    case 'passwd':
      return resetPassword(users, requireLogin(login));
    case 'role':
      return changeUser(users, requireLogin(login), { role: requireRole(role) });
    case 'disable':
      return changeUser(users, requireLogin(login), { isActive: false });
    case 'enable':
      return changeUser(users, requireLogin(login), { isActive: true });
    case 'delete':
      return `User ${(await users.delete(requireLogin(login), CLI_ACTOR)).login} deleted`;
    case 'list':
      return (await users.list())
        .map((user) => `${user.login}\t${user.role}\t${user.isActive ? 'active' : 'disabled'}`)
        .join('\n');
    default:
      throw new UsageError(USER_USAGE);
  }
}

async function addUser(users: UsersService, login: string, role: Role): Promise<string> {
  const password = checkPassword(await readPassword(`Password for ${login}: `));
  await users.create({ login, password, role, isActive: true }, CLI_ACTOR);
  return `User ${login} added with role ${role}`;
}

async function resetPassword(users: UsersService, login: string): Promise<string> {
  await users.get(login);
  const password = checkPassword(await readPassword(`New password for ${login}: `));
  await users.update(login, { password }, CLI_ACTOR);
  return `Password of ${login} changed; its existing tokens no longer work`;
}

/** Through UsersService, so the CLI keeps the API's rules: last active admin, token revocation. */
async function changeUser(
  users: UsersService,
  login: string,
  change: UpdateUserInput,
): Promise<string> {
  const user = await users.update(login, change, CLI_ACTOR);
  const state = user.isActive ? 'active' : 'disabled; its existing tokens no longer work';
  return `User ${user.login}: role ${user.role}, ${state}`;
}

function requireLogin(login: string | undefined): string {
  if (!login || !LOGIN_PATTERN.test(login)) {
    throw new UsageError(
      `A login of 1-64 letters, digits, ".", "_", "@" or "-" is required\n${USER_USAGE}`,
    );
  }
  return login;
}

function requireRole(role: string | undefined): Role {
  if (!isRole(role))
    throw new UsageError(`The role must be viewer, operator or admin\n${USER_USAGE}`);
  return role;
}

function checkPassword(password: string): string {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new UsageError(`The password must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  }
  if (Buffer.byteLength(password) > PASSWORD_MAX_BYTES) {
    throw new UsageError(`The password must be at most ${PASSWORD_MAX_BYTES} bytes long`);
  }
  return password;
}

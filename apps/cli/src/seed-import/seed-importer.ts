import { Injectable } from '@nestjs/common';
import { isRole, LOGIN_PATTERN, PasswordHasher, UsersService, type Role } from '#auth';
import { FernetKey } from '#secrets';
import { ServersService, type CreateServerDto } from '#servers';
import { toServerDto } from '../server-input.js';
import type { SeedFiles, SeedServer, SeedUser } from './seed-files.js';

export interface PlannedItem<T> {
  name: string;
  action: 'import' | 'skip';
  reason?: string;
  value?: T;
}

export interface ImportPlan {
  servers: PlannedItem<CreateServerDto>[];
  users: PlannedItem<{ login: string; hash: string; role: Role }>[];
  /** Problems that stop the import: nothing is written while there is one. */
  errors: string[];
}

const ACTOR = { login: 'import-seed' };

/**
 * Moves the seed's servers and users into pgmon: server passwords are decrypted with the seed's
 * Fernet key and re-sealed with pgmon's, users keep their bcrypt hashes (so their passwords keep
 * working). Existing names are skipped, so running it again changes nothing. Everything is
 * checked before anything is written.
 */
@Injectable()
export class SeedImporter {
  constructor(
    private readonly servers: ServersService,
    private readonly users: UsersService,
  ) {}

  async plan(files: SeedFiles, defaultRole: Role): Promise<ImportPlan> {
    const errors: string[] = [];
    const key = this.fernetKey(files, errors);
    const servers = await this.planServers(files.servers ?? [], key, errors);
    const users = await this.planUsers(files.users ?? [], defaultRole, errors);
    return { servers, users, errors };
  }

  async apply(plan: ImportPlan): Promise<void> {
    if (plan.errors.length > 0) throw new Error('The import plan has errors; nothing was written');
    for (const server of plan.servers)
      if (server.value) await this.servers.create(server.value, ACTOR);
    for (const user of plan.users) {
      if (!user.value) continue;
      const { login, hash, role } = user.value;
      await this.users.createWithHash({ login, passwordHash: hash, role, isActive: true }, ACTOR);
    }
  }

  private fernetKey(files: SeedFiles, errors: string[]): FernetKey | undefined {
    const needsKey = (files.servers ?? []).some((server) => server.password || server.ssh_password);
    if (!files.fernetKey) {
      if (needsKey)
        errors.push('encryption_key.key is missing: the server passwords cannot be decrypted');
      return undefined;
    }
    try {
      return new FernetKey(files.fernetKey);
    } catch (error) {
      errors.push(`encryption_key.key: ${(error as Error).message}`);
      return undefined;
    }
  }

  private async planServers(
    entries: SeedServer[],
    key: FernetKey | undefined,
    errors: string[],
  ): Promise<PlannedItem<CreateServerDto>[]> {
    const existing = new Set((await this.servers.list()).map((server) => server.name));
    const seen = new Set<string>();
    const planned: PlannedItem<CreateServerDto>[] = [];
    for (const entry of entries) {
      if (existing.has(entry.name))
        planned.push({
          name: entry.name,
          action: 'skip',
          reason: 'a server with this name already exists in pgmon',
        });
      else if (seen.has(entry.name))
        planned.push({
          name: entry.name,
          action: 'skip',
          reason: 'the name appears more than once in servers.json',
        });
      else planned.push(await this.planServer(entry, key, errors));
      seen.add(entry.name);
    }
    return planned;
  }

  private async planServer(
    entry: SeedServer,
    key: FernetKey | undefined,
    errors: string[],
  ): Promise<PlannedItem<CreateServerDto>> {
    const secrets: Record<string, string | undefined> = {};
    for (const field of ['password', 'ssh_password'] as const) {
      const token = entry[field];
      if (!token) continue;
      try {
        secrets[field] = key?.decrypt(token);
      } catch (error) {
        errors.push(`server ${entry.name}: ${field}: ${(error as Error).message}`);
      }
    }
    const dto = await toServerDto({
      name: entry.name,
      host: entry.host,
      port: entry.port,
      user: entry.user,
      password: secrets.password,
      stats_db: entry.stats_db || null,
      ssh_user: entry.ssh_user || null,
      ssh_password: secrets.ssh_password,
      ssh_port: entry.ssh_port ?? 22,
    });
    if (Array.isArray(dto)) {
      errors.push(`server ${entry.name}: ${dto.join('; ')}`);
      return { name: entry.name, action: 'skip', reason: 'invalid' };
    }
    return { name: entry.name, action: 'import', value: dto };
  }

  private async planUsers(
    entries: SeedUser[],
    defaultRole: Role,
    errors: string[],
  ): Promise<ImportPlan['users']> {
    // Logins are unique regardless of case: `Alice` in users.json is pgmon's `alice`.
    const folded = (login: string) => login.toLowerCase();
    const existing = new Set((await this.users.list()).map((user) => folded(user.login)));
    const seen = new Set<string>();
    return entries.map((entry) => {
      const item = this.planUser(
        entry,
        defaultRole,
        errors,
        existing.has(folded(entry.login)),
        seen.has(folded(entry.login)),
      );
      seen.add(folded(entry.login));
      return item;
    });
  }

  private planUser(
    entry: SeedUser,
    defaultRole: Role,
    errors: string[],
    exists: boolean,
    repeated: boolean,
  ): ImportPlan['users'][number] {
    if (exists)
      return {
        name: entry.login,
        action: 'skip',
        reason: 'a user with this login already exists in pgmon',
      };
    if (repeated)
      return {
        name: entry.login,
        action: 'skip',
        reason: 'the login appears more than once in users.json',
      };
    const role = entry.role ?? defaultRole;
    const problems = [
      !LOGIN_PATTERN.test(entry.login) && 'the login has characters pgmon does not allow',
      !PasswordHasher.isBcryptHash(entry.password) &&
        'the password is not a bcrypt hash ($2a$/$2b$/$2y$)',
      !isRole(role) && `the role "${role}" is not viewer, operator or admin`,
    ].filter((problem): problem is string => typeof problem === 'string');
    if (problems.length > 0 || !isRole(role)) {
      errors.push(`user ${entry.login}: ${problems.join('; ')}`);
      return { name: entry.login, action: 'skip', reason: 'invalid' };
    }
    return {
      name: entry.login,
      action: 'import',
      value: { login: entry.login, hash: entry.password, role },
    };
  }
}

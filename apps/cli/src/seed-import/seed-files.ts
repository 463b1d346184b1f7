import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** An entry of the seed's servers.json: passwords are Fernet tokens. */
export const seedServerSchema = z.looseObject({
  name: z.string(),
  host: z.string(),
  port: z.coerce.number(),
  user: z.string(),
  password: z.string().nullish(),
  stats_db: z.string().nullish(),
  ssh_user: z.string().nullish(),
  ssh_password: z.string().nullish(),
  ssh_port: z.coerce.number().nullish(),
});

/** An entry of the seed's users.json: a bcrypt hash, optionally a role. */
export const seedUserSchema = z.looseObject({
  login: z.string(),
  password: z.string(),
  role: z.string().nullish(),
});

export type SeedServer = z.infer<typeof seedServerSchema>;
export type SeedUser = z.infer<typeof seedUserSchema>;

export interface SeedFiles {
  servers: SeedServer[] | null;
  users: SeedUser[] | null;
  fernetKey: string | null;
}

/** Reads servers.json, users.json and encryption_key.key of the seed's config directory. */
export function readSeedFiles(configDir: string): SeedFiles {
  if (!existsSync(configDir)) throw new Error(`${configDir} does not exist`);
  return {
    servers: readList(join(configDir, 'servers.json'), seedServerSchema),
    users: readList(join(configDir, 'users.json'), seedUserSchema),
    fernetKey: readOptional(join(configDir, 'encryption_key.key'))?.trim() ?? null,
  };
}

function readList<T>(path: string, schema: z.ZodType<T>): T[] | null {
  const text = readOptional(path);
  if (text === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON`, { cause: error });
  }
  const result = z.array(schema).safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `${path}: entry ${String(issue?.path[0] ?? '?')}: ${issue?.path.slice(1).join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim(),
    );
  }
  return result.data;
}

function readOptional(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

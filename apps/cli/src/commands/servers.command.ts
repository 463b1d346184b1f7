import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { ServersService } from '#servers';
import { toServerDto } from '../server-input.js';
import { readServersFile } from '../servers-file/servers-file.js';
import { UsageError } from './usage-error.js';

export const SERVERS_USAGE = `  pgmon servers apply --file <servers.json>   add the servers listed in the file (existing names are kept)
  pgmon servers list`;

const ACTOR = { login: 'cli' };

/** `pgmon servers ...`: registers servers from a file (the Compose setup's registration step). */
export async function runServersCommand(
  app: INestApplicationContext,
  args: string[],
): Promise<{ output: string; ok: boolean }> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { file: { type: 'string' } },
  });
  const servers = app.get(ServersService);
  if (positionals[0] === 'list') {
    const list = await servers.list();
    return {
      output: list.map((server) => `${server.name}\t${server.host}:${server.port}`).join('\n'),
      ok: true,
    };
  }
  if (positionals[0] !== 'apply' || !values.file) throw new UsageError(SERVERS_USAGE);
  return apply(servers, values.file);
}

async function apply(
  servers: ServersService,
  file: string,
): Promise<{ output: string; ok: boolean }> {
  const entries = readServersFile(file);
  const existing = new Set((await servers.list()).map((server) => server.name));
  const lines: string[] = [];
  const planned = [];
  const listed = new Set<string>();
  for (const entry of entries) {
    const dto = await toServerDto(entry);
    if (Array.isArray(dto)) lines.push(`error: server ${String(entry.name)}: ${dto.join('; ')}`);
    else if (listed.has(dto.name)) lines.push(`error: server ${dto.name}: listed more than once`);
    else if (existing.has(dto.name)) lines.push(`kept server ${dto.name} (already registered)`);
    else planned.push(dto);
    if (!Array.isArray(dto)) listed.add(dto.name);
  }
  if (lines.some((text) => text.startsWith('error')))
    return { output: [...lines, 'Nothing was registered.'].join('\n'), ok: false };
  for (const dto of planned) {
    await servers.create(dto, ACTOR);
    lines.push(`registered server ${dto.name}`);
  }
  return { output: lines.join('\n'), ok: true };
}

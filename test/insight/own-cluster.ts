/**
 * A PostgreSQL cluster of one test file's own, for what the shared clusters must not see:
 * pg_stat_statements_reset(), restarts and crashes. pg_stat_statements is preloaded (track
 * all) and created in `postgres`; the harness's monitoring role exists with pg_monitor.
 */
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startCluster, stopCluster, superuserClient } from '../support/clusters.js';
import { freePort } from '../support/ports.js';
import { exec, lookupUser } from '../support/proc.js';
import { readTargets, type PgTarget } from '../support/targets-info.js';

export interface OwnCluster {
  target: PgTarget;
  /** fast: statistics are saved; immediate: a crash, statistics are lost. */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
}

export async function startOwnCluster(label: string): Promise<OwnCluster> {
  const shared = readTargets().pg.main;
  const dir = await mkdtemp(path.join(readTargets().workDir, `${label}-`));
  const owner = shared.runAs ? await lookupUser(shared.runAs) : null;
  if (owner) await chown(dir, owner.uid, owner.gid);
  const target: PgTarget = {
    ...shared,
    // The harness names its own clusters; this one belongs to the test file.
    name: label as PgTarget['name'],
    port: await freePort(),
    superpassword: randomBytes(18).toString('base64url'),
    dataDir: path.join(dir, 'data'),
    socketDir: dir,
  };
  await initdb(target, owner);
  await startCluster(target);
  const client = await superuserClient(target);
  try {
    await client.query(
      `create role ${target.monitorUser} login password ${client.escapeLiteral(target.monitorPassword)}`,
    );
    await client.query(`grant pg_monitor to ${target.monitorUser}`);
    await client.query('create extension pg_stat_statements');
  } finally {
    await client.end();
  }
  return {
    target,
    stop: (mode) => stopCluster(target, mode),
    start: () => startCluster(target),
  };
}

async function initdb(target: PgTarget, owner: { uid: number; gid: number } | null): Promise<void> {
  const pwFile = path.join(target.socketDir, 'pw');
  await writeFile(pwFile, `${target.superpassword}\n`, { mode: 0o600 });
  if (owner) await chown(pwFile, owner.uid, owner.gid);
  await exec(
    path.join(target.binDir, 'initdb'),
    [
      '-D',
      target.dataDir,
      '-U',
      target.superuser,
      `--pwfile=${pwFile}`,
      '--auth-local=trust',
    ].concat([
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]),
    { runAs: target.runAs, cwd: target.socketDir },
  );
  const settings = [
    `listen_addresses = '${target.host}'`,
    `port = ${target.port}`,
    `unix_socket_directories = '${target.socketDir}'`,
    'fsync = off',
    "shared_preload_libraries = 'pg_stat_statements'",
    "pg_stat_statements.track = 'all'",
    "timezone = 'UTC'",
  ];
  await writeFile(path.join(target.dataDir, 'postgresql.conf'), `\n${settings.join('\n')}\n`, {
    flag: 'a',
  });
  await writeFile(
    path.join(target.dataDir, 'pg_hba.conf'),
    `local all all trust\nhost all all ${target.host}/32 scram-sha-256\n`,
  );
}

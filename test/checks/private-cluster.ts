/**
 * A PostgreSQL cluster for one test file alone, with settings no shared cluster may have (a
 * low max_connections, tiny shared_buffers): made with the harness's binaries next to its
 * clusters, stopped by the file (and by the runner's teardown of the work directory).
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { clusterLogFile, startCluster, stopCluster, superuserClient } from '../support/clusters.js';
import { exec, lookupUser } from '../support/proc.js';
import { freePort } from '../support/ports.js';
import { readTargets, type PgTarget } from '../support/targets-info.js';

export interface PrivateCluster extends PgTarget {
  stop(): Promise<void>;
}

/** initdb, `settings` appended to postgresql.conf, started; a pg_monitor-only role as in the harness. */
export async function startPrivateCluster(
  prefix: string,
  settings: string[],
): Promise<PrivateCluster> {
  const { workDir, pg } = readTargets();
  const template = pg.main;
  const clusterDir = path.join(workDir, 'pg', `${prefix}-${randomBytes(4).toString('hex')}`);
  const target: PgTarget = {
    ...template,
    name: template.name,
    port: await freePort(),
    superpassword: randomBytes(12).toString('base64url'),
    monitorPassword: randomBytes(12).toString('base64url'),
    dataDir: path.join(clusterDir, 'data'),
    socketDir: clusterDir,
  };
  await prepare(clusterDir, target);
  await writeFile(
    path.join(target.dataDir, 'postgresql.conf'),
    [
      '',
      `listen_addresses = '${target.host}'`,
      `port = ${target.port}`,
      `unix_socket_directories = '${clusterDir}'`,
      'fsync = off',
      'synchronous_commit = off',
      "timezone = 'UTC'",
      "lc_messages = 'C'",
      ...settings,
      '',
    ].join('\n'),
    { flag: 'a' },
  );
  await writeFile(
    path.join(target.dataDir, 'pg_hba.conf'),
    `local all all trust\nhost all all ${target.host}/32 scram-sha-256\n`,
  );
  await startCluster(target);
  const stop = async (): Promise<void> => {
    await stopCluster(target, 'immediate');
    await rm(clusterDir, { recursive: true, force: true });
  };
  try {
    const client = await superuserClient(target);
    try {
      await client.query(
        `create role ${target.monitorUser} login password '${target.monitorPassword}'`,
      );
      await client.query(`grant pg_monitor to ${target.monitorUser}`);
    } finally {
      await client.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...target, stop };
}

/** The directory (owned by the server's OS user when we are root) and initdb. */
async function prepare(clusterDir: string, target: PgTarget): Promise<void> {
  await mkdir(clusterDir, { recursive: true, mode: 0o755 });
  await chmod(clusterDir, 0o755);
  const owner = target.runAs ? await lookupUser(target.runAs) : null;
  if (owner) await chown(clusterDir, owner.uid, owner.gid);
  const pwFile = path.join(clusterDir, 'superuser.pw');
  await writeFile(pwFile, `${target.superpassword}\n`, { mode: 0o600 });
  if (owner) await chown(pwFile, owner.uid, owner.gid);
  try {
    await exec(
      path.join(target.binDir, 'initdb'),
      ['-D', target.dataDir, '-U', target.superuser, `--pwfile=${pwFile}`].concat([
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ]),
      { runAs: target.runAs, cwd: clusterDir, timeoutMs: 120_000 },
    );
  } catch (error) {
    throw new Error(`initdb failed (log: ${clusterLogFile(target)})`, { cause: error });
  } finally {
    await rm(pwFile, { force: true });
  }
}

import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { passwordMethodOf, PoolRegistry } from '#pool';
import { hasSsh, ServerTargets, type ServerRecord } from '#servers';
import { DiskProbe, type DiskReading } from '../live/disk-probe.js';
import { describePgFailure } from '../live/pg-failure.js';
import { PostgresProbe, type PgReading } from '../live/postgres-probe.js';
import { statusText } from '../live/status-entry.factory.js';
import { SingleFlight } from '../live/single-flight.js';
import { connectionsByState, STATUS_SQL, type StatusRow } from '../live/status-query.js';
import { KeyedLimiter, LimiterBusyError } from './keyed-limiter.js';
import type { PostgresCheckView, ServerCheckView, SshCheckView } from './server-check.dto.js';

type CheckRow = StatusRow & { pg_monitor: boolean };

const HINTS: Record<string, string> = {
  authentication_failed:
    'Check the password, and that pg_hba.conf uses a password method for this client.',
  access_denied:
    'Add a pg_hba.conf line for this client, user and database, and check the role has LOGIN.',
  connection_refused: 'Check that PostgreSQL runs and listen_addresses/port allow this client.',
  timeout: 'A firewall may drop the packets, or the host is overloaded.',
  database_not_found: 'Set `database` to an existing database (postgres by default).',
  permission_denied: 'GRANT pg_monitor TO <role>;',
  tls_error: 'Check ssl_mode against the server’s ssl setting and certificate.',
  cleartext_password_refused:
    'Use scram-sha-256 for this client in pg_hba.conf, or ssl_mode require or verify-full; to send the password in clear text anyway, set ALLOW_CLEARTEXT_PASSWORD=true.',
};

const NOT_IN_PG_MONITOR =
  'The role is not in pg_monitor: other users’ queries and some columns stay hidden. GRANT pg_monitor TO <role>;';
const MD5_IN_USE =
  'The server uses md5 password authentication: scram-sha-256 is safer (set password_encryption = scram-sha-256, set the password again, and use scram-sha-256 in pg_hba.conf).';

/** Checks of one host:port that may run at once, each on its own fresh connection. */
const CHECKS_PER_TARGET = 2;
/** How long a check waits for one of them before the answer is 429. */
const CHECK_WAIT_MS = 10_000;

/**
 * POST /servers/{name}/test: PostgreSQL on a fresh connection and SSH without cache, now.
 * Concurrent checks of one server (config) share the running check, and at most
 * CHECKS_PER_TARGET checks of one host:port run at once, so a burst of calls (or of servers
 * pointing at one target) cannot open connection after connection to it.
 */
@Injectable()
export class ServerCheckService {
  private readonly running = new SingleFlight<ServerCheckView>();
  private readonly perTarget = new KeyedLimiter(CHECKS_PER_TARGET, CHECK_WAIT_MS);

  constructor(
    private readonly pools: PoolRegistry,
    private readonly targets: ServerTargets,
    private readonly postgres: PostgresProbe,
    private readonly disk: DiskProbe,
  ) {}

  check(server: ServerRecord): Promise<ServerCheckView> {
    const target = `${server.host}:${server.port}`;
    return this.running.run(`${server.id}@${server.generation}`, async () => {
      try {
        return await this.perTarget.run(target, () => this.checkNow(server));
      } catch (error) {
        if (error instanceof LimiterBusyError) throw busy(target);
        throw error;
      }
    });
  }

  private async checkNow(server: ServerRecord): Promise<ServerCheckView> {
    const checkedAt = new Date();
    const { reading, view: postgres } = await this.checkPostgres(server);
    const directory = reading.ok ? reading.row.data_directory : null;
    const { reading: disk, view: ssh } = await this.checkSsh(server, directory);
    return {
      name: server.name,
      status: statusText(reading, disk),
      postgres,
      ssh,
      checked_at: checkedAt.toISOString(),
    };
  }

  private async checkPostgres(
    server: ServerRecord,
  ): Promise<{ reading: PgReading; view: PostgresCheckView }> {
    const started = Date.now();
    try {
      const { result, passwordMethod } = await this.pools.withFreshConnection(
        this.targets.pg(server),
        async (client) => ({
          result: await client.query<CheckRow>(
            `${STATUS_SQL}, pg_has_role('pg_monitor', 'member') as pg_monitor`,
          ),
          passwordMethod: passwordMethodOf(client),
        }),
      );
      const row = result.rows[0];
      if (!row) throw new Error('status query returned no row');
      const hints = [
        ...(row.pg_monitor ? [] : [NOT_IN_PG_MONITOR]),
        ...(passwordMethod === 'md5' ? [MD5_IN_USE] : []),
      ];
      return {
        reading: { ok: true, row: { ...row, connections: connectionsByState(row.connections) } },
        view: {
          ok: true,
          latency_ms: Date.now() - started,
          version: row.version,
          pg_monitor: row.pg_monitor,
          data_directory: row.data_directory,
          error: null,
          hints,
        },
      };
    } catch (error) {
      const failure = describePgFailure(error, this.postgres.context(server));
      return {
        reading: { ok: false, failure },
        view: {
          ok: false,
          latency_ms: Date.now() - started,
          version: null,
          pg_monitor: null,
          data_directory: null,
          error: { code: failure.code, message: failure.message },
          hints: HINTS[failure.code] ? [HINTS[failure.code] ?? ''] : [],
        },
      };
    }
  }

  private async checkSsh(
    server: ServerRecord,
    directory: string | null,
  ): Promise<{ reading: DiskReading | null; view: SshCheckView }> {
    const empty = {
      latency_ms: null,
      host_key: null,
      host_key_recorded: false,
      free_space: null,
      total_space: null,
    };
    if (!hasSsh(server))
      return { reading: null, view: { configured: false, ok: null, error: null, ...empty } };
    if (!directory) {
      const message = 'the data directory is unknown because PostgreSQL did not answer it';
      return {
        reading: {
          ok: false,
          failure: { code: 'data_directory_unknown', reason: 'data directory unknown', message },
        },
        view: {
          configured: true,
          ok: null,
          error: { code: 'data_directory_unknown', message },
          ...empty,
        },
      };
    }
    const started = Date.now();
    const reading = await this.disk.read(server, directory, true);
    const view: SshCheckView = reading.ok
      ? {
          configured: true,
          ok: true,
          latency_ms: Date.now() - started,
          host_key: reading.result.hostKey,
          host_key_recorded: reading.result.firstContact,
          free_space: reading.result.usage.availableBytes,
          total_space: reading.result.usage.totalBytes,
          error: null,
        }
      : {
          configured: true,
          ok: false,
          ...empty,
          latency_ms: Date.now() - started,
          error: { code: reading.failure.code, message: reading.failure.message },
        };
    return { reading, view };
  }
}

function busy(target: string): HttpException {
  return new HttpException(
    { detail: `Too many checks of ${target} are running; try again in a few seconds` },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}

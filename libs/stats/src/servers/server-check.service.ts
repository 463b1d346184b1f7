import { randomUUID } from 'node:crypto';
import { coalesceAsync } from '@cacheable/utils';
import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import { passwordMethodOf } from '#pool';
import { hasSsh, type ServerRecord } from '#servers';
import { TargetQuery, type PgFailure } from '#target-query';
import { DiskProbe, type DiskReading } from '../live/disk-probe.js';
import type { PgReading } from '../live/postgres-probe.js';
import { statusText } from '../live/status-entry.factory.js';
import { connectionsByState, STATUS_SQL, type StatusRow } from '../live/status-query.js';
import { KeyedLimiter, LimiterBusyError } from './keyed-limiter.js';
import type { PostgresCheckView, ServerCheckView, SshCheckView } from './server-check.dto.js';
import type { ConnectionTestView, SshTestView } from './server-test.dto.js';
import { postgresTestAnswer, sshTestAnswer } from './server-test.js';

type CheckRow = StatusRow & { pg_monitor: boolean };

const CHECK_SQL = `${STATUS_SQL}, pg_has_role('pg_monitor', 'member') as pg_monitor`;

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
 * POST /servers/{name}/test: PostgreSQL on a fresh connection and SSH without cache, now; and
 * the upstream web UI's test-pg and test-ssh, each part alone. Concurrent checks of one server
 * (config) share the running check, and at most CHECKS_PER_TARGET checks of one host:port
 * run at once, so a burst of calls (or of servers pointing at one target) cannot open
 * connection after connection to it.
 */
@Injectable()
export class ServerCheckService {
  /** Names this instance's checks in coalesceAsync's process-wide table. */
  private readonly instance = randomUUID();
  private readonly perTarget = new KeyedLimiter(CHECKS_PER_TARGET, CHECK_WAIT_MS);

  constructor(
    private readonly query: TargetQuery,
    private readonly disk: DiskProbe,
    private readonly config: AppConfig,
  ) {}

  check(server: ServerRecord): Promise<ServerCheckView> {
    return this.limited(server, 'all', `${server.host}:${server.port}`, () =>
      this.checkNow(server),
    );
  }

  /** PostgreSQL alone, on a fresh connection: `{success, message}`. */
  testPostgres(server: ServerRecord): Promise<ConnectionTestView> {
    return this.limited(server, 'pg', `${server.host}:${server.port}`, async () => {
      const { reading, view } = await this.checkPostgres(server);
      return postgresTestAnswer(reading, view);
    });
  }

  /** An SSH login alone (no PostgreSQL, no disk read): `{success, message, auth_type}`. */
  testSsh(server: ServerRecord): Promise<SshTestView> {
    return this.limited(server, 'ssh', `ssh://${server.host}:${server.sshPort}`, async () => {
      const started = Date.now();
      const login = await this.disk.verifyLogin(server);
      return sshTestAnswer(server, login, Date.now() - started);
    });
  }

  /** One run per server config and kind at a time, at most CHECKS_PER_TARGET per target; 429 past the wait. */
  private limited<T>(
    server: ServerRecord,
    kind: string,
    target: string,
    work: () => Promise<T>,
  ): Promise<T> {
    return coalesceAsync(`${this.instance}:${kind}:${server.id}@${server.generation}`, async () => {
      try {
        return await this.perTarget.run(target, work);
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
    const answer = await this.query.run(
      server,
      async (client) => ({
        row: (await client.query<CheckRow>(CHECK_SQL)).rows[0],
        passwordMethod: passwordMethodOf(client),
      }),
      { fresh: true, deadlineMs: this.config.targets.statusDeadlineMs },
    );
    const latency = Date.now() - started;
    const row = answer.ok ? answer.value.row : undefined;
    if (!answer.ok || !row) {
      const failure = answer.ok ? NO_ROW : answer.failure;
      return {
        reading: { ok: false, failure },
        view: {
          ok: false,
          latency_ms: latency,
          version: null,
          pg_monitor: null,
          data_directory: null,
          error: { code: failure.code, message: failure.message },
          hints: HINTS[failure.code] ? [HINTS[failure.code] ?? ''] : [],
        },
      };
    }
    const hints = [
      ...(row.pg_monitor ? [] : [NOT_IN_PG_MONITOR]),
      ...(answer.value.passwordMethod === 'md5' ? [MD5_IN_USE] : []),
    ];
    return {
      reading: { ok: true, row: { ...row, connections: connectionsByState(row.connections) } },
      view: {
        ok: true,
        latency_ms: latency,
        version: row.version,
        pg_monitor: row.pg_monitor,
        data_directory: row.data_directory,
        error: null,
        hints,
      },
    };
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

const NO_ROW: PgFailure = {
  code: 'server_error',
  reason: 'server error',
  message: 'the status query returned no row',
};

function busy(target: string): HttpException {
  return new HttpException(
    { detail: `Too many checks of ${target} are running; try again in a few seconds` },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}

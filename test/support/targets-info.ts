/**
 * Shape of the test targets started by test/run.ts (see targets.ts) and handed to every
 * test file through the PGMON_TEST_TARGETS environment variable (JSON).
 *
 * This module holds only types and readTargets(), so test files can import it without
 * pulling in any process-spawning code.
 */

/** What every real PostgreSQL server of the tests has: where it listens, and its roles. */
export interface PgServer {
  host: string;
  port: number;
  /** Superuser (`postgres`), password auth over TCP. */
  superuser: string;
  superpassword: string;
  /** Least-privilege monitoring role: LOGIN, member of pg_monitor, nothing else. */
  monitorUser: string;
  monitorPassword: string;
  /** The role session actions need: LOGIN, member of pg_monitor and pg_signal_backend. */
  actionsUser: string;
  actionsPassword: string;
  /** PGDATA as the server reports it (`data_directory`). */
  dataDir: string;
}

/** One real PostgreSQL cluster listening on 127.0.0.1. */
export interface PgTarget extends PgServer {
  /**
   * main: pg_stat_statements created in `postgres`; stats: the seed's stats_db fixture and
   * pg_stat_statements with `pg_stat_statements.max = 100` (eviction); volatile: may be
   * stopped and started by tests, pg_stat_statements preloaded but not created (the "missing"
   * case); primary: streams to `replica` through a slot, and holds an unused slot too.
   * All are the host's PostgreSQL 15, scram-sha-256 over TCP; PGDATA (mode 0700) has parents
   * traversable by other users.
   */
  name: 'main' | 'stats' | 'volatile' | 'primary' | 'replica';
  /** Unix socket directory; also holds the server log `postgres.log`. */
  socketDir: string;
  /** Directory of pg_ctl, postgres, psql... */
  binDir: string;
  /** OS user the server runs as when the tests run as root ('postgres'), else null. */
  runAs: string | null;
}

export interface SshUser {
  login: string;
  password?: string;
  /** ed25519 private key (OpenSSH format, no passphrase). */
  privateKeyPath?: string;
  privateKey?: string;
  /** RSA 2048 private key (PEM), encrypted with rsaPassphrase. */
  rsaKeyPath?: string;
  rsaKey?: string;
  rsaPassphrase?: string;
}

/** A server of the version matrix: one per major that is tested live. */
export interface MatrixServer extends PgServer {
  major: number;
  /** server_version_num as the server reports it. */
  versionNum: number;
  /** The Docker container it runs in, or null for the host's `main` cluster (15). */
  container: string | null;
  /** pg_hba.conf's method over TCP: md5 on 13 (its default), scram-sha-256 from 14 on. */
  hostAuth: 'md5' | 'scram-sha-256';
  /** From `docker run` to the first answered query (0 for the host's cluster). */
  startMs: number;
}

/** A major of the matrix this run does not have, and why. */
export interface MissingMajor {
  major: number;
  reason: string;
  /**
   * true: Docker and the image were there but the server did not start (always a failure);
   * false: Docker or the image is unavailable (a failure only when the matrix is required).
   */
  failed: boolean;
}

export interface VersionMatrix {
  /** The majors tested live, ascending: 13 and 17 in containers, 15 on the host. */
  majors: number[];
  servers: MatrixServer[];
  missing: MissingMajor[];
  /** PGMON_REQUIRE_DOCKER=1 (CI): a missing major fails the run instead of being skipped. */
  required: boolean;
}

export interface TestTargets {
  pg: {
    main: PgTarget;
    stats: PgTarget;
    volatile: PgTarget;
    primary: PgTarget;
    /** A hot standby of `primary` (same roles and passwords), streaming through a slot. */
    replica: PgTarget;
  };
  /** The servers of each major tested live (see test/support/matrix.ts). */
  matrix: VersionMatrix;
  /** Physical replication slots on `primary`: the replica's, and one nobody uses. */
  replication: { slot: string; unusedSlot: string };
  /** A real redis-server on loopback (no persistence), for tests of several replicas. */
  redis: { port: number; url: string };
  /** A loopback port on which nothing listens (connecting gives ECONNREFUSED). */
  closedPort: number;
  /** A loopback port that accepts TCP connections and never sends a byte. */
  silentPort: number;
  ssh: {
    host: string;
    port: number;
    /** As OpenSSH prints it: `SHA256:<base64 without padding>`. */
    hostKeyFingerprint: string;
    /** The host key's public key line (`ssh-ed25519 AAAA... comment`). */
    hostPublicKey: string;
    /** Password-authenticated user; null when not running as root. */
    passwordUser: SshUser | null;
    /** Key-authenticated user (ed25519 key, plus a passphrase-protected RSA key). */
    keyUser: SshUser;
  };
  /** See test/support/fixtures/stats-db.ts for the fixture's exact values. */
  statsFixture: {
    /** ISO timestamp, UTC midnight of the first fixture day. */
    dayStart: string;
    days: number;
    intervalMinutes: number;
  };
  /** Temporary directory holding everything; removed on teardown. */
  workDir: string;
}

export const TARGETS_ENV = 'PGMON_TEST_TARGETS';

let cached: TestTargets | undefined;

/** The targets of the current run, parsed from process.env.PGMON_TEST_TARGETS. */
export function readTargets(): TestTargets {
  if (cached) return cached;
  const raw = process.env[TARGETS_ENV];
  if (!raw) {
    throw new Error(
      `${TARGETS_ENV} is not set: this test needs the real test targets (PostgreSQL clusters, ` +
        `sshd...) started by the test runner. Run it through \`npm test\` or ` +
        `\`node --enable-source-maps dist/test/run.js [filter]\`, not directly with node --test.`,
    );
  }
  try {
    cached = JSON.parse(raw) as TestTargets;
  } catch (err) {
    throw new Error(`${TARGETS_ENV} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return cached;
}

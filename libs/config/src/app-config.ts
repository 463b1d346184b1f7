import { resolve } from 'node:path';
import type { LogLevel } from '@nestjs/common';
import { parseEncryptionKey, type EncryptionKey } from './encryption-key.js';
import { isTrue, type Env } from './env.schema.js';
import { loadOrCreateKeyFile } from './key-files.js';
import { PGMON_VERSION } from './version.js';

/** Seed log level names; Nest's own names are accepted too. */
export type SeedLogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** The history collector: schedule, parallelism, retention. */
export interface CollectorSettings {
  /** Run the collector inside this process (the API does by default). */
  enabled: boolean;
  intervalSeconds: number;
  sizeIntervalSeconds: number;
  sizeTimeoutMs: number;
  concurrency: number;
  retentionDays: number;
}

/** Query insight: pg_stat_statements snapshots and session samples (collector tasks). */
export interface InsightSettings {
  statementsIntervalSeconds: number;
  /** Statements kept per interval (by total time); the rest is summed into one "other" row. */
  statementsTop: number;
  /** Per-interval rows are kept this long; hourly rollups until statementsRetentionDays. */
  statementsRawRetentionHours: number;
  statementsRetentionDays: number;
  activitySampleIntervalSeconds: number;
  activityRetentionDays: number;
}

/** Sizes of the connection pools to one monitored database. */
export interface PoolProfile {
  min: number;
  max: number;
}

/** How pgmon treats the servers it watches: timeouts and pool sizes. */
export interface TargetLimits {
  statusDeadlineMs: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  sshTimeoutMs: number;
  pools: { default: PoolProfile; stats_db: PoolProfile };
  poolIdleTimeoutSeconds: number;
  poolCloseAfterSeconds: number;
  /** 0: unlimited; 1: a fresh connection per query. */
  poolMaxUses: number;
  /** Send a PostgreSQL password in clear text over a connection without TLS when asked to. */
  allowCleartextPassword: boolean;
}

/** A check's levels as CHECK_THRESHOLDS sets them; null: the check has no such level. */
export interface ThresholdLevels {
  warning: number | null;
  critical: number | null;
}

/** One CHECK_THRESHOLDS item: a check's levels, on every server or on one. */
export interface ThresholdOverride extends ThresholdLevels {
  check: string;
  /** The server's name; null for every server. */
  server: string | null;
}

/** Health checks, evaluated by the collector. */
export interface ChecksSettings {
  intervalSeconds: number;
  /** Levels replacing the defaults (CHECK_THRESHOLDS); ids are checked by the checks module. */
  thresholds: ThresholdOverride[];
}

/** Alert notifications: mail, reminders, and how long one send may take. */
export interface AlertsSettings {
  /** smtp:// or smtps:// URL for email channels (SMTP_URL); undefined: email cannot be sent. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Re-send a still-firing alert after this many seconds; 0: never. */
  repeatIntervalSeconds: number;
  /** Longest one webhook call or one email may take. */
  sendTimeoutMs: number;
}

export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * The validated, typed configuration. Built once at boot; every other module injects this
 * class instead of reading process.env.
 */
export class AppConfig {
  readonly version = PGMON_VERSION;
  constructor(
    readonly http: {
      port: number;
      host: string;
      corsOrigins: string[];
      trustProxy: boolean | number | string[];
    },
    readonly dataDir: string,
    readonly store: StoreLocation,
    readonly auth: {
      secretKey: string;
      tokenTtlMinutes: number;
      /** Lifetime of a refresh token (the upstream web UI's session cookie), renewed by each use. */
      refreshTokenDays: number;
      adminPassword: string | undefined;
      loginMaxFailures: number;
      loginFailureWindowSeconds: number;
      /** A static bearer token that may read GET /metrics (for Prometheus), or undefined. */
      metricsToken: string | undefined;
    },
    readonly encryption: { current: EncryptionKey; previous: EncryptionKey[] },
    readonly log: {
      level: SeedLogLevel;
      nestLevels: LogLevel[];
      format: 'text' | 'json';
      /** Days pgmon's own events (GET /api/logs) are kept unless an admin set another value. */
      eventsRetentionDays: number;
    },
    readonly cache: {
      statusTtlSeconds: number;
      sshTtlSeconds: number;
      /** Shared cache, locks and invalidations for several replicas; undefined: in-process. */
      redisUrl: string | undefined;
    },
    readonly collector: CollectorSettings,
    readonly insight: InsightSettings,
    readonly targets: TargetLimits,
    readonly checks: ChecksSettings,
    /** Whether operators may cancel or terminate sessions at all (ACTIONS_ENABLED). */
    readonly actions: { enabled: boolean },
    readonly alerts: AlertsSettings,
    /** Key files written on this boot (so the operator can be told once). */
    readonly generatedKeyFiles: string[],
  ) {}
}

export function buildAppConfig(env: Env): AppConfig {
  const dataDir = resolve(env.DATA_DIR);
  const generated: string[] = [];
  const secretKey = env.SECRET_KEY ?? keyFromFile(dataDir, 'secret_key', generated);
  const encryptionText = env.ENCRYPTION_KEY ?? keyFromFile(dataDir, 'encryption_key', generated);
  const level = seedLogLevel(env.LOG_LEVEL);
  return new AppConfig(
    {
      port: env.PORT,
      host: env.HOST,
      corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
    },
    dataDir,
    env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL }
      : { kind: 'sqlite', file: resolve(dataDir, 'pgmon.db') },
    {
      secretKey,
      tokenTtlMinutes: env.JWT_EXPIRE_MINUTES,
      refreshTokenDays: env.REFRESH_TOKEN_EXPIRE_DAYS,
      adminPassword: env.ADMIN_PASSWORD,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW,
      metricsToken: env.METRICS_TOKEN,
    },
    {
      current: parseEncryptionKey(encryptionText),
      previous: splitList(env.ENCRYPTION_KEY_PREVIOUS).map((text) =>
        parseEncryptionKey(text, 'ENCRYPTION_KEY_PREVIOUS'),
      ),
    },
    {
      level,
      nestLevels: nestLogLevels(env.LOG_LEVEL),
      format: env.LOG_FORMAT,
      eventsRetentionDays: env.LOGS_RETENTION_DAYS,
    },
    {
      statusTtlSeconds: env.STATUS_CACHE_TTL,
      sshTtlSeconds: env.SSH_CACHE_TTL,
      redisUrl: env.REDIS_URL,
    },
    {
      enabled: isTrue(env.COLLECTOR_ENABLED),
      intervalSeconds: env.COLLECT_INTERVAL,
      sizeIntervalSeconds: env.COLLECT_SIZE_INTERVAL,
      sizeTimeoutMs: env.COLLECT_SIZE_TIMEOUT_MS,
      concurrency: env.COLLECT_CONCURRENCY,
      retentionDays: env.HISTORY_RETENTION_DAYS,
    },
    insightSettings(env),
    targetLimits(env),
    {
      intervalSeconds: env.CHECKS_INTERVAL,
      thresholds: parseCheckThresholds(env.CHECK_THRESHOLDS),
    },
    { enabled: isTrue(env.ACTIONS_ENABLED) },
    {
      smtpUrl: env.SMTP_URL,
      smtpFrom: env.SMTP_FROM,
      repeatIntervalSeconds: env.REPEAT_INTERVAL,
      sendTimeoutMs: env.NOTIFICATION_TIMEOUT_MS,
    },
    generated,
  );
}

function insightSettings(env: Env): InsightSettings {
  return {
    statementsIntervalSeconds: env.STATEMENTS_INTERVAL,
    statementsTop: env.STATEMENTS_TOP,
    statementsRawRetentionHours: env.STATEMENTS_RAW_RETENTION_HOURS,
    statementsRetentionDays: env.STATEMENTS_RETENTION_DAYS,
    activitySampleIntervalSeconds: env.ACTIVITY_SAMPLE_INTERVAL,
    activityRetentionDays: env.ACTIVITY_RETENTION_DAYS,
  };
}

function targetLimits(env: Env): TargetLimits {
  return {
    statusDeadlineMs: env.STATUS_DEADLINE_MS,
    connectTimeoutMs: env.PG_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.PG_STATEMENT_TIMEOUT_MS,
    sshTimeoutMs: env.SSH_TIMEOUT_MS,
    pools: {
      default: poolProfile('POOL_DEFAULT', env.POOL_DEFAULT_MIN, env.POOL_DEFAULT_MAX),
      stats_db: poolProfile('POOL_STATS', env.POOL_STATS_MIN, env.POOL_STATS_MAX),
    },
    poolIdleTimeoutSeconds: env.POOL_IDLE_TIMEOUT,
    poolCloseAfterSeconds: env.POOL_CLOSE_AFTER,
    poolMaxUses: env.POOL_MAX_USES,
    allowCleartextPassword: isTrue(env.ALLOW_CLEARTEXT_PASSWORD),
  };
}

function poolProfile(prefix: string, min: number, max: number): PoolProfile {
  if (min > max) throw new Error(`${prefix}_MIN: must not exceed ${prefix}_MAX (${max})`);
  return { min, max };
}

function keyFromFile(dataDir: string, fileName: string, generated: string[]): string {
  const file = loadOrCreateKeyFile(dataDir, fileName);
  if (file.created) generated.push(file.path);
  return file.value;
}

function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export function parseCorsOrigins(text: string | undefined): string[] {
  const origins = splitList(text);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(
        `CORS_ORIGINS: "${origin}" is not an origin like https://monitor.example.com (no path, no trailing slash)`,
      );
    }
  }
  return origins;
}

export function parseTrustProxy(text: string | undefined): boolean | number | string[] {
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  return splitList(text);
}

const THRESHOLD_ITEM = /^(?:([^/=]+)\/)?([a-z_]+)=(-?\d+(?:\.\d+)?)?:(-?\d+(?:\.\d+)?)?$/;

/**
 * CHECK_THRESHOLDS: `[server/]id=warning:critical` items separated by commas, e.g.
 * `long_running_queries=120:600,reports/long_running_queries=900:3600,dead_tuples=0.3:`; an
 * empty level means the check has none. A server's own item wins over one for every server.
 */
export function parseCheckThresholds(text: string | undefined): ThresholdOverride[] {
  return splitList(text).map((item) => {
    const match = THRESHOLD_ITEM.exec(item.replace(/\s+/g, ''));
    if (!match) {
      throw new Error(
        `CHECK_THRESHOLDS: "${item}" is not like long_running_queries=120:600 ([server/]id=warning:critical)`,
      );
    }
    const [, server, check = '', warning, critical] = match;
    return {
      check,
      server: server ?? null,
      warning: warning === undefined ? null : Number(warning),
      critical: critical === undefined ? null : Number(critical),
    };
  });
}

const NEST_LEVELS_BY_NAME: Record<string, LogLevel[]> = {
  DEBUG: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  VERBOSE: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  INFO: ['fatal', 'error', 'warn', 'log'],
  LOG: ['fatal', 'error', 'warn', 'log'],
  WARNING: ['fatal', 'error', 'warn'],
  WARN: ['fatal', 'error', 'warn'],
  ERROR: ['fatal', 'error'],
  CRITICAL: ['fatal'],
  FATAL: ['fatal'],
};

export function nestLogLevels(name: string): LogLevel[] {
  return NEST_LEVELS_BY_NAME[name] ?? NEST_LEVELS_BY_NAME.INFO ?? [];
}

function seedLogLevel(name: string): SeedLogLevel {
  if (name === 'DEBUG' || name === 'VERBOSE') return 'DEBUG';
  if (name === 'WARNING' || name === 'WARN') return 'WARNING';
  if (name === 'ERROR' || name === 'CRITICAL' || name === 'FATAL') return 'ERROR';
  return 'INFO';
}

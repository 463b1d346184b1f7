import { z } from 'zod';

/** The seed's public default JWT key: anyone could forge tokens with it, so it is refused. */
export const SEED_DEFAULT_SECRET = 'default-secret-for-local-testing';

/** Keys (JWT signing and encryption at rest) must carry at least this many bytes. */
export const MIN_KEY_BYTES = 32;

const LOG_LEVEL_NAMES = [
  'DEBUG',
  'INFO',
  'WARNING',
  'WARN',
  'ERROR',
  'CRITICAL',
  'FATAL',
  'LOG',
  'VERBOSE',
] as const;

/** Docker Compose and systemd often pass `VAR=`: an empty value means "not set". */
const optionalText = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().trim().min(1).optional(),
);

function integer(defaultValue: number, min: number, max: number) {
  return z.preprocess(
    (value) => (value === '' || value === undefined ? undefined : Number(value)),
    z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(defaultValue),
  );
}

/** true/false (also 1/0, yes/no, any case); empty means the default. */
function flag(defaultValue: 'true' | 'false') {
  return z.preprocess(
    (value) =>
      typeof value === 'string' && value !== ''
        ? value.toLowerCase()
        : value === ''
          ? undefined
          : value,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .default(defaultValue),
  );
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/i;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `4h`, `30m`, `90s`, `1d` or plain seconds (`3600`), as whole seconds; undefined if not one. */
function parseDurationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, amount = '', unit = 's'] = match;
  return Math.round(Number(amount) * (UNIT_SECONDS[unit.toLowerCase()] ?? 1));
}

/** A duration in seconds (see parseDurationSeconds) between `min` and `max`. */
function duration(defaultText: string, min: number, max: number) {
  return z.preprocess(
    // Idempotent: the config module parses the parsed values once more.
    (value) =>
      typeof value === 'number'
        ? value
        : (parseDurationSeconds(typeof value === 'string' && value !== '' ? value : defaultText) ??
          value),
    z
      .number({ error: 'must be a duration like 4h, 30m, 90s or a number of seconds' })
      .min(min, `must be at least ${min} s`)
      .max(max, `must be at most ${max} s`),
  );
}

/** What a flag() value means. */
export function isTrue(value: string): boolean {
  return ['true', '1', 'yes'].includes(value);
}

const keyText = optionalText
  .refine((value) => value === undefined || value !== SEED_DEFAULT_SECRET, {
    error: `is the seed's public default; set a random value of at least ${MIN_KEY_BYTES} bytes or leave it unset to have one generated`,
  })
  .refine((value) => value === undefined || Buffer.byteLength(value) >= MIN_KEY_BYTES, {
    error: `must be at least ${MIN_KEY_BYTES} bytes long`,
  });

export const envSchema = z.object({
  PORT: integer(8000, 1, 65535),
  HOST: optionalText.default('0.0.0.0'),
  DATA_DIR: optionalText.default('./data'),
  DATABASE_URL: optionalText.refine(
    (value) => value === undefined || /^postgres(ql)?:\/\/.+/.test(value),
    { error: 'must be a postgres:// or postgresql:// URL' },
  ),
  SECRET_KEY: keyText,
  ENCRYPTION_KEY: keyText,
  ENCRYPTION_KEY_PREVIOUS: optionalText,
  ADMIN_PASSWORD: optionalText.refine((value) => value === undefined || value.length >= 8, {
    error: 'must be at least 8 characters long',
  }),
  LOG_LEVEL: optionalText
    .transform((value) => (value ?? 'INFO').toUpperCase())
    .pipe(z.enum(LOG_LEVEL_NAMES, { error: `must be one of ${LOG_LEVEL_NAMES.join(', ')}` })),
  LOG_FORMAT: optionalText
    .transform((value) => (value ?? 'text').toLowerCase())
    .pipe(z.enum(['text', 'json'], { error: 'must be text or json' })),
  CORS_ORIGINS: optionalText,
  METRICS_TOKEN: optionalText.refine((value) => value === undefined || value.length >= 16, {
    error: 'must be at least 16 characters long',
  }),
  TRUST_PROXY: optionalText,
  JWT_EXPIRE_MINUTES: integer(60, 1, 7 * 24 * 60),
  REFRESH_TOKEN_EXPIRE_DAYS: integer(7, 1, 365),
  LOGIN_MAX_FAILURES: integer(5, 1, 1000),
  LOGIN_FAILURE_WINDOW: integer(900, 1, 86400),
  REDIS_URL: optionalText.refine((value) => value === undefined || /^rediss?:\/\/.+/.test(value), {
    error: 'must be a redis:// or rediss:// URL',
  }),
  STATUS_CACHE_TTL: integer(5, 0, 3600),
  SSH_CACHE_TTL: integer(30, 0, 86400),
  COLLECT_INTERVAL: integer(60, 5, 86400),
  HISTORY_RETENTION_DAYS: integer(90, 1, 3650),
  COLLECT_SIZE_INTERVAL: integer(600, 5, 86400),
  COLLECT_CONCURRENCY: integer(4, 1, 64),
  COLLECT_SIZE_TIMEOUT_MS: integer(30000, 100, 600000),
  COLLECTOR_ENABLED: flag('true'),
  STATEMENTS_INTERVAL: integer(60, 5, 86400),
  STATEMENTS_TOP: integer(200, 1, 5000),
  STATEMENTS_RAW_RETENTION_HOURS: integer(48, 1, 8760),
  STATEMENTS_RETENTION_DAYS: integer(30, 1, 3650),
  ACTIVITY_SAMPLE_INTERVAL: integer(10, 1, 3600),
  ACTIVITY_RETENTION_DAYS: integer(7, 1, 3650),
  STATUS_DEADLINE_MS: integer(4000, 200, 60000),
  PG_CONNECT_TIMEOUT_MS: integer(3000, 100, 60000),
  PG_STATEMENT_TIMEOUT_MS: integer(10000, 100, 600000),
  SSH_TIMEOUT_MS: integer(5000, 200, 60000),
  ALLOW_CLEARTEXT_PASSWORD: flag('false'),
  POOL_DEFAULT_MIN: integer(1, 0, 100),
  POOL_DEFAULT_MAX: integer(5, 1, 100),
  POOL_STATS_MIN: integer(2, 0, 100),
  POOL_STATS_MAX: integer(10, 1, 100),
  POOL_IDLE_TIMEOUT: integer(30, 1, 86400),
  POOL_CLOSE_AFTER: integer(300, 1, 86400),
  POOL_MAX_USES: integer(0, 0, 1_000_000),
  CHECKS_INTERVAL: integer(60, 1, 86400),
  LOGS_RETENTION_DAYS: integer(30, 1, 3650),
  CHECK_THRESHOLDS: optionalText,
  ACTIONS_ENABLED: flag('true'),
  SMTP_URL: optionalText.refine((value) => value === undefined || isSmtpUrl(value), {
    error: 'must be an smtp:// or smtps:// URL with a host (smtp://user:pass@host:587)',
  }),
  SMTP_FROM: optionalText.default('pgmon@localhost'),
  REPEAT_INTERVAL: duration('4h', 0, 30 * 86400),
  NOTIFICATION_TIMEOUT_MS: integer(10000, 100, 120000),
});

function isSmtpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
}

export type Env = z.infer<typeof envSchema>;

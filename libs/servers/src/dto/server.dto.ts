import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, IsUUID, Matches, MaxLength, Validate, ValidateIf } from 'class-validator';
import { IsOmittable, WholeNumber } from '#http';
import { SSH_AUTH_TYPES, SSL_MODES, type SshAuthType, type SslMode } from '../server.record.js';
import {
  HOST_KEY_PATTERN,
  HostConstraint,
  MAX_PRIVATE_KEY_LENGTH,
  MAX_SECRET_LENGTH,
  PG_IDENTIFIER_PATTERN,
  PRIVATE_KEY_MARKER,
  PrivateKeyConstraint,
  SERVER_NAME_PATTERN,
  SSH_USER_PATTERN,
} from './field-rules.js';

/** OpenAPI: a secret's description (what the three values mean). */
const SECRET_DOC = (what: string): string =>
  `${what}; never returned. On update: omitted or empty keeps the stored one, null removes it`;

/** OpenAPI: `pattern`, or the empty string (which these fields read as "not set"). */
const emptyOr = (pattern: RegExp): string => `^$|${pattern.source}`;
/** What IsUUID('all') accepts. */
const UUID_PATTERN =
  /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** `""` from seed clients means "not set" for optional text fields. */
const emptyToNull = ({ value }: { value: unknown }): unknown => (value === '' ? null : value);
const isPresent = (_dto: unknown, value: unknown): boolean => value !== undefined && value !== null;
const isNewSecret = (_dto: unknown, value: unknown): boolean =>
  value !== undefined && value !== null && value !== '';

/**
 * A server's configuration (the seed's fields first, then pgmon's additions). Secrets are
 * write-only: empty or omitted keeps the stored value on update, `null` removes it.
 */
export class CreateServerDto {
  @ApiProperty({
    example: 'production-db',
    pattern: SERVER_NAME_PATTERN.source,
    minLength: 1,
    maxLength: 63,
    description:
      'Letters, digits, ".", "_" and "-", starting with a letter or digit; unique in any case',
  })
  @IsString()
  @Matches(SERVER_NAME_PATTERN, {
    message:
      'name must be 1-63 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
  })
  name!: string;

  @ApiProperty({
    example: 'localhost',
    // Each alternative typed: nestjs/swagger drops `type` beside anyOf.
    anyOf: [
      { type: 'string', format: 'hostname', maxLength: 253 },
      { type: 'string', format: 'ipv4' },
      { type: 'string', format: 'ipv6' },
    ],
    description: 'A host name or an IP address (no scheme, port or path)',
  })
  @IsString()
  @Validate(HostConstraint)
  host!: string;

  @ApiProperty({ example: 5432, minimum: 1, maximum: 65535, type: 'integer' })
  @WholeNumber('port', 1, 65535)
  port!: number;

  @ApiProperty({
    example: 'pgmon',
    pattern: PG_IDENTIFIER_PATTERN.source,
    minLength: 1,
    maxLength: 63,
    description: 'PostgreSQL role (pg_monitor is enough); no control characters',
  })
  @IsString()
  @Matches(PG_IDENTIFIER_PATTERN, {
    message: 'user must be 1-63 characters without control characters',
  })
  user!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_SECRET_LENGTH,
    writeOnly: true,
    example: 'pgmon-password',
    description: SECRET_DOC('PostgreSQL password'),
  })
  @ValidateIf(isNewSecret)
  @IsString()
  @MaxLength(MAX_SECRET_LENGTH)
  password?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'monitor',
    pattern: emptyOr(SSH_USER_PATTERN),
    description: 'SSH login for disk usage; null or empty: no SSH',
  })
  @Transform(emptyToNull)
  @ValidateIf(isPresent)
  @IsString()
  @Matches(SSH_USER_PATTERN, {
    message: 'ssh_user must be 1-64 characters of letters, digits, ".", "_", "@" or "-"',
  })
  ssh_user?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_SECRET_LENGTH,
    writeOnly: true,
    example: 'ssh-password',
    description: SECRET_DOC('SSH password'),
  })
  @ValidateIf(isNewSecret)
  @IsString()
  @MaxLength(MAX_SECRET_LENGTH)
  ssh_password?: string | null;

  @ApiPropertyOptional({ example: 22, default: 22, minimum: 1, maximum: 65535, type: 'integer' })
  @IsOmittable()
  @WholeNumber('ssh_port', 1, 65535)
  ssh_port?: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: null,
    pattern: emptyOr(PG_IDENTIFIER_PATTERN),
    description:
      'Database holding the seed’s pg_statistics history, e.g. "statistics"; null or empty: none',
  })
  @Transform(emptyToNull)
  @ValidateIf(isPresent)
  @IsString()
  @Matches(PG_IDENTIFIER_PATTERN, {
    message: 'stats_db must be 1-63 characters without control characters',
  })
  stats_db?: string | null;

  @ApiPropertyOptional({
    enum: SSH_AUTH_TYPES,
    example: 'password',
    description: 'Default: key when ssh_private_key is given, else password',
  })
  @IsOmittable()
  @IsIn(SSH_AUTH_TYPES, { message: 'ssh_auth_type must be password or key' })
  ssh_auth_type?: SshAuthType;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_PRIVATE_KEY_LENGTH,
    pattern: emptyOr(PRIVATE_KEY_MARKER),
    writeOnly: true,
    example: null,
    description: SECRET_DOC('PEM or OpenSSH private key, for ssh_auth_type key'),
  })
  @ValidateIf(isNewSecret)
  @IsString()
  @MaxLength(MAX_PRIVATE_KEY_LENGTH)
  @Validate(PrivateKeyConstraint)
  ssh_private_key?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_SECRET_LENGTH,
    writeOnly: true,
    example: null,
    description: SECRET_DOC('Passphrase of the private key'),
  })
  @ValidateIf(isNewSecret)
  @IsString()
  @MaxLength(MAX_SECRET_LENGTH)
  ssh_key_passphrase?: string | null;

  @ApiPropertyOptional({
    // Empty is "none" too, which `format: uuid` would refuse.
    pattern: emptyOr(UUID_PATTERN),
    nullable: true,
    type: String,
    example: null,
    description:
      'A managed SSH key (GET /api/ssh-keys) to log in with instead of ssh_private_key; implies ssh_auth_type key. Empty or null: none',
  })
  @Transform(emptyToNull)
  @ValidateIf(isPresent)
  @IsUUID('all', { message: 'ssh_key_id must be the id of an SSH key (a UUID)' })
  ssh_key_id?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: null,
    pattern: emptyOr(HOST_KEY_PATTERN),
    description:
      'Pinned SSH host key fingerprint as `ssh-keygen -lf` prints it (SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU); null or empty: recorded at first contact (on update: trust the next key seen)',
  })
  @Transform(emptyToNull)
  @ValidateIf(isPresent)
  @IsString()
  @Matches(HOST_KEY_PATTERN, {
    message: 'ssh_host_key must look like SHA256:<43 base64 characters> (ssh-keygen -lf)',
  })
  ssh_host_key?: string | null;

  @ApiPropertyOptional({
    example: 'postgres',
    default: 'postgres',
    pattern: PG_IDENTIFIER_PATTERN.source,
    minLength: 1,
    maxLength: 63,
    description: 'Database to connect to for live status',
  })
  @IsOmittable()
  @IsString()
  @Matches(PG_IDENTIFIER_PATTERN, {
    message: 'database must be 1-63 characters without control characters',
  })
  database?: string;

  @ApiPropertyOptional({ enum: SSL_MODES, default: 'disable', example: 'disable' })
  @IsOmittable()
  @IsIn(SSL_MODES, { message: 'ssl_mode must be disable, require or verify-full' })
  ssl_mode?: SslMode;
}

/**
 * PUT: the same fields, all optional; omitted fields keep their stored value. `null` passes only
 * where the field itself allows it (secrets and optional settings: "remove"); a required field
 * sent as null is a 422, not a NOT NULL error from the store.
 */
export class UpdateServerDto extends PartialType(CreateServerDto, { skipNullProperties: false }) {}

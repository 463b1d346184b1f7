import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { IsOmittable, parseWholeNumber } from '#http';
import {
  GENERATED_KEY_TYPES,
  KEY_TYPES,
  RSA_KEY_SIZES,
  type GeneratedKeyType,
} from '../key-material.js';
import type { KeyUser, SshKeyRecord } from '../ssh-key.record.js';

/** 1-64 characters, no control characters; shown in lists and in the public key's file name. */
export const KEY_NAME_PATTERN = /^(?!\s)[^\p{Cc}]{1,64}(?<!\s)$/u;
const MAX_PRIVATE_KEY_LENGTH = 16384;
const MAX_PASSPHRASE_LENGTH = 1024;
const MAX_DESCRIPTION_LENGTH = 512;

/** The upstream web UI sends null (or nothing) for an empty optional field. */
const emptyToNull = ({ value }: { value: unknown }): unknown => (value === '' ? null : value);
const isPresent = (_dto: unknown, value: unknown): boolean => value !== undefined && value !== null;

class KeyNameAndDescription {
  @ApiProperty({ example: 'monitoring', pattern: KEY_NAME_PATTERN.source, maxLength: 64 })
  @IsString()
  @Matches(KEY_NAME_PATTERN, {
    message: 'name must be 1-64 characters without control characters or outer spaces',
  })
  name!: string;

  @ApiPropertyOptional({
    example: 'pgmon on the db hosts',
    nullable: true,
    type: String,
    maxLength: MAX_DESCRIPTION_LENGTH,
  })
  @Transform(emptyToNull)
  @ValidateIf(isPresent)
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string | null;
}

export class GenerateSshKeyDto extends KeyNameAndDescription {
  @ApiPropertyOptional({ enum: GENERATED_KEY_TYPES, default: 'rsa', example: 'ed25519' })
  @IsOmittable()
  @IsIn(GENERATED_KEY_TYPES, { message: 'key_type must be rsa or ed25519' })
  key_type?: GeneratedKeyType;

  @ApiPropertyOptional({
    enum: RSA_KEY_SIZES,
    default: 2048,
    example: null,
    nullable: true,
    type: 'integer',
    description: 'Bits of an RSA key; ignored for ed25519',
  })
  @Transform(({ value }: { value: unknown }) => parseWholeNumber(value))
  @ValidateIf(isPresent)
  @IsIn(RSA_KEY_SIZES, { message: `key_size must be one of ${RSA_KEY_SIZES.join(', ')}` })
  key_size?: number | null;

  @ApiPropertyOptional({
    writeOnly: true,
    nullable: true,
    type: String,
    maxLength: MAX_PASSPHRASE_LENGTH,
    example: 'correct horse battery staple',
    description: 'Encrypts the private key; kept sealed with it, never returned',
  })
  @Transform(emptyToNull)
  @ValidateIf(isPresent)
  @IsString()
  @MaxLength(MAX_PASSPHRASE_LENGTH)
  passphrase?: string | null;
}

export class ImportSshKeyDto extends KeyNameAndDescription {
  @ApiProperty({
    writeOnly: true,
    description: 'PEM or OpenSSH private key (RSA, Ed25519, ECDSA); sealed, never returned',
    // The example is a key made when the document is built: see withSshKeyExamples.
    maxLength: MAX_PRIVATE_KEY_LENGTH,
    pattern: '-----BEGIN [A-Z ]*PRIVATE KEY-----',
  })
  @IsString()
  @MaxLength(MAX_PRIVATE_KEY_LENGTH)
  @Matches(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, {
    message: 'private_key must be a PEM or OpenSSH private key ("-----BEGIN ... PRIVATE KEY-----")',
  })
  private_key!: string;

  @ApiPropertyOptional({
    writeOnly: true,
    nullable: true,
    type: String,
    maxLength: MAX_PASSPHRASE_LENGTH,
    example: null,
    description: 'Passphrase of an encrypted private key; sealed with it, never returned',
  })
  @Transform(emptyToNull)
  @ValidateIf(isPresent)
  @IsString()
  @MaxLength(MAX_PASSPHRASE_LENGTH)
  passphrase?: string | null;
}

/** PUT: the name and the description only (the key itself never changes). */
export class UpdateSshKeyDto {
  @ApiPropertyOptional({ example: 'monitoring', pattern: KEY_NAME_PATTERN.source, maxLength: 64 })
  @IsOmittable()
  @IsString()
  @Matches(KEY_NAME_PATTERN, {
    message: 'name must be 1-64 characters without control characters or outer spaces',
  })
  name?: string;

  @ApiPropertyOptional({
    example: 'pgmon on the db hosts',
    nullable: true,
    type: String,
    maxLength: MAX_DESCRIPTION_LENGTH,
    description: 'null or empty removes it',
  })
  @Transform(emptyToNull)
  @ValidateIf(isPresent)
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string | null;
}

/** A key as the upstream web UI reads it: never the private key or its passphrase. */
export class SshKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'monitoring' }) name!: string;
  @ApiProperty({ example: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU' })
  fingerprint!: string;
  @ApiProperty({ enum: KEY_TYPES }) key_type!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ example: 'admin' }) created_by!: string;
  @ApiProperty({ example: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... pgmon-monitoring' })
  public_key!: string;
  @ApiProperty({ description: 'The private key is encrypted (its passphrase is kept with it)' })
  has_passphrase!: boolean;
  @ApiProperty({ example: 2, description: 'Servers that use the key' }) servers_count!: number;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;

  static from(key: SshKeyRecord): SshKeyView {
    return {
      id: key.id,
      name: key.name,
      fingerprint: key.fingerprint,
      key_type: key.keyType,
      created_at: key.createdAt.toISOString(),
      created_by: key.createdBy,
      public_key: key.publicKey,
      has_passphrase: key.hasPassphrase,
      servers_count: key.serversCount,
      description: key.description,
    };
  }
}

export class PublicKeyFileView {
  @ApiProperty({ example: 'monitoring_id_ed25519.pub' }) filename!: string;
  @ApiProperty({ example: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... pgmon-monitoring' })
  content!: string;
  @ApiProperty({ enum: ['text/plain'] }) content_type!: 'text/plain';
}

export class KeyUserView {
  @ApiProperty({ example: 'production-db' }) name!: string;
  @ApiProperty({ example: '192.168.1.100' }) host!: string;
}

export class KeyServersView {
  @ApiProperty({ example: 'monitoring' }) key_name!: string;
  @ApiProperty({ example: 1 }) servers_count!: number;
  @ApiProperty({ type: [KeyUserView] }) servers!: KeyUser[];
}

export class KeyDeletedView {
  @ApiProperty({ example: 'SSH key monitoring deleted' }) message!: string;
}

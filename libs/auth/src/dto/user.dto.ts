import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  Validate,
  ValidateIf,
} from 'class-validator';
import { ROLES, type Role } from '../roles.js';
import type { UserRecord } from '../users/user.record.js';
import { LOGIN_PATTERN, PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from './login-name.js';
import { IsOptionalNotNull } from './optional-not-null.js';
import { PasswordBytesConstraint } from './password-bytes.constraint.js';

/** Longest e-mail address (RFC 5321's path limit). */
const EMAIL_MAX = 254;

/** `""` and null mean "no e-mail address" (the upstream web UI sends null for an empty field). */
const emptyToNull = ({ value }: { value: unknown }): unknown => (value === '' ? null : value);
const isPresent = (_dto: unknown, value: unknown): boolean => value !== undefined && value !== null;

/** An optional e-mail address; null (or empty) means none. */
function OptionalEmail(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      example: 'alice@example.com',
      // Each alternative typed: nestjs/swagger drops `type` beside anyOf.
      anyOf: [
        { type: 'string', format: 'email', maxLength: EMAIL_MAX },
        { type: 'string', maxLength: 0 },
        { type: 'null' },
      ],
      description: 'Optional; null or empty removes it',
    }),
    Transform(emptyToNull),
    ValidateIf(isPresent),
    IsEmail({}, { message: 'email must be an e-mail address' }),
    MaxLength(EMAIL_MAX),
  );
}
const PASSWORD_DOC = `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_BYTES} characters, at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt reads no further)`;

/**
 * Strict bodies: a field is either absent or of its type; `null`, a string for a boolean or a
 * number for a string is a 422, never applied (null once disabled the last admin). `email` is
 * the one exception: null removes it.
 */
export class CreateUserDto {
  @ApiProperty({ example: 'alice', pattern: LOGIN_PATTERN.source, minLength: 1, maxLength: 64 })
  @IsString()
  @Matches(LOGIN_PATTERN, {
    message: 'login must be 1-64 characters of letters, digits, ".", "_", "@" or "-"',
  })
  login!: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_BYTES,
    example: 'a long passphrase',
    description: PASSWORD_DOC,
  })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, {
    message: `password must be at least ${PASSWORD_MIN_LENGTH} characters long`,
  })
  @MaxLength(PASSWORD_MAX_BYTES)
  @Validate(PasswordBytesConstraint)
  password!: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'viewer', example: 'operator' })
  @IsOptionalNotNull()
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ default: true, example: true })
  @IsOptionalNotNull()
  @IsBoolean({ message: 'is_active must be true or false' })
  is_active?: boolean;

  @OptionalEmail()
  email?: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional({
    // Empty, or the length of a new password.
    pattern: `^$|^[\\s\\S]{${PASSWORD_MIN_LENGTH},}$`,
    maxLength: PASSWORD_MAX_BYTES,
    example: 'a new long passphrase',
    description: `${PASSWORD_DOC}. Omit or send empty to keep the password; null is refused`,
  })
  @ValidateIf((_dto: unknown, value: unknown) => value !== undefined && value !== '')
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, {
    message: `password must be at least ${PASSWORD_MIN_LENGTH} characters long`,
  })
  @MaxLength(PASSWORD_MAX_BYTES)
  @Validate(PasswordBytesConstraint)
  password?: string;

  @ApiPropertyOptional({ enum: ROLES, example: 'operator' })
  @IsOptionalNotNull()
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ example: true })
  @IsOptionalNotNull()
  @IsBoolean({ message: 'is_active must be true or false' })
  is_active?: boolean;

  @OptionalEmail()
  email?: string | null;
}

export class UserView {
  @ApiProperty({ example: 'alice' }) login!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() is_active!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_login_at!: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'The same as last_login_at, under the upstream project’s name',
  })
  last_login!: string | null;
  @ApiProperty({ example: 'alice@example.com', nullable: true, type: String })
  email!: string | null;

  static from(user: UserRecord): UserView {
    const lastLogin = user.lastLoginAt?.toISOString() ?? null;
    return {
      login: user.login,
      role: user.role,
      is_active: user.isActive,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
      last_login_at: lastLogin,
      last_login: lastLogin,
      email: user.email,
    };
  }
}

export class MessageView {
  @ApiProperty({ example: 'User alice deleted' }) message!: string;
}

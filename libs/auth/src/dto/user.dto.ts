import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
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

const PASSWORD_DOC = `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_BYTES} characters, at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt reads no further)`;

/**
 * Strict bodies: a field is either absent or of its type; `null`, a string for a boolean or a
 * number for a string is a 422, never applied (null once disabled the last admin).
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
}

export class UserView {
  @ApiProperty({ example: 'alice' }) login!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() is_active!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_login_at!: string | null;

  static from(user: UserRecord): UserView {
    return {
      login: user.login,
      role: user.role,
      is_active: user.isActive,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
      last_login_at: user.lastLoginAt?.toISOString() ?? null,
    };
  }
}

export class MessageView {
  @ApiProperty({ example: 'User alice deleted' }) message!: string;
}

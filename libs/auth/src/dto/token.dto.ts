import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_LOGIN_FIELD_LENGTH } from '../login/login-form.js';

const IGNORED = 'Accepted (OAuth2) and ignored';

/** OAuth2 password form (documentation only: assertLoginForm and LocalAuthGuard check it). */
export class TokenRequestDto {
  @ApiProperty({ example: 'admin', minLength: 1, maxLength: MAX_LOGIN_FIELD_LENGTH })
  username!: string;
  @ApiProperty({ example: 'your_password', minLength: 1, maxLength: MAX_LOGIN_FIELD_LENGTH })
  password!: string;
  @ApiPropertyOptional({ enum: ['password'], example: 'password' }) grant_type?: string;
  @ApiPropertyOptional({ example: '', description: IGNORED }) scope?: string;
  @ApiPropertyOptional({ example: '', description: IGNORED }) client_id?: string;
  @ApiPropertyOptional({ example: '', description: IGNORED }) client_secret?: string;
}

export class TokenView {
  @ApiProperty({ example: 'eyJ0eXAiOiJKV1QiLCJhbGc...' }) access_token!: string;
  @ApiProperty({ example: 'bearer' }) token_type!: 'bearer';
  @ApiProperty({ example: 3600, description: 'Seconds until the token expires' })
  expires_in!: number;
}

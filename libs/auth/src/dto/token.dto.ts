import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OAuth2 password form (documentation only: LocalAuthGuard checks it). */
export class TokenRequestDto {
  @ApiProperty({ example: 'admin' }) username!: string;
  @ApiProperty({ example: 'your_password' }) password!: string;
  @ApiPropertyOptional({ example: 'password' }) grant_type?: string;
  @ApiPropertyOptional() scope?: string;
  @ApiPropertyOptional() client_id?: string;
  @ApiPropertyOptional() client_secret?: string;
}

export class TokenView {
  @ApiProperty({ example: 'eyJ0eXAiOiJKV1QiLCJhbGc...' }) access_token!: string;
  @ApiProperty({ example: 'bearer' }) token_type!: 'bearer';
  @ApiProperty({ example: 3600, description: 'Seconds until the token expires' })
  expires_in!: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../page-query.dto.js';

export class AuditSessionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 'admin',
    maxLength: 64,
    description: 'Text the user or the client address contains',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  username?: string;

  @ApiPropertyOptional({
    example: 'login_failed',
    pattern: '^[a-z_]{1,64}$',
    description:
      'login_success, login_failed, refresh, refresh_refused, logout, or an action with _ for its dot (user_create, server_update, ssh_key_delete, settings_update, session_terminate)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,64}$/, { message: 'event_type must be lower-case letters and _' })
  event_type?: string;
}

/** One audit entry as the upstream web UI shows it. */
export class AuditEventView {
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ example: 'login_success' }) event_type!: string;
  @ApiProperty({ example: 'alice', description: 'Who; for a failed login, the login tried' })
  username!: string;
  @ApiProperty({ example: '10.0.0.5', nullable: true, type: String }) ip_address!: string | null;
  @ApiProperty({ nullable: true, type: String }) user_agent!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Always null: pgmon does not keep token ids in the audit log',
  })
  jti!: string | null;
  @ApiProperty({
    example: 'production-db fields=host,port',
    nullable: true,
    type: String,
    description: 'What was acted on and how (never a secret)',
  })
  details!: string | null;
}

export class AuditEventsPageView {
  @ApiProperty({ type: [AuditEventView] }) items!: AuditEventView[];
  @ApiProperty({ example: 120, description: 'Entries matching, over all pages' }) total!: number;
  @ApiProperty({ example: 50 }) limit!: number;
  @ApiProperty({ example: 0 }) offset!: number;
}

export class AuditEventStatsView {
  @ApiProperty({ example: 1200 }) total_events!: number;
  @ApiProperty({ example: 14, description: 'Logins since midnight UTC' }) logins_today!: number;
  @ApiProperty({ example: 5, description: 'Users who logged in during the last 7 days' })
  unique_users_week!: number;
  @ApiProperty({ example: 3 }) failed_total!: number;
  @ApiProperty({ example: 0 }) failed_today!: number;
  @ApiProperty({ example: 7, description: 'Changes (not logins) since midnight UTC' })
  actions_today!: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CHECK_IDS } from '#checks';
import { IsOmittable, WholeNumber } from '#http';
import { SERVER_NAME_PATTERN } from '#servers';

export const MAX_COMMENT_LENGTH = 1000;

export class CreateSilenceDto {
  @ApiPropertyOptional({
    example: 'production-db',
    pattern: SERVER_NAME_PATTERN.source,
    description: 'Only this server’s alerts, by name (default: every server)',
  })
  @IsOmittable()
  @IsString()
  @Matches(SERVER_NAME_PATTERN, { message: 'server must be the name of a server' })
  server?: string;

  @ApiPropertyOptional({
    enum: CHECK_IDS,
    example: 'server_reachable',
    description: 'Only this check’s alerts (default: every check)',
  })
  @IsOmittable()
  @IsIn(CHECK_IDS, { message: `check must be one of ${CHECK_IDS.join(', ')}` })
  check?: string;

  @ApiProperty({
    example: '2099-01-01T06:00:00Z',
    maxLength: 40,
    description: 'When the silence ends: ISO 8601, in the future',
  })
  @IsString({ message: 'until must be an ISO 8601 date-time' })
  @MaxLength(40)
  until!: string;

  @ApiProperty({
    example: 'Planned maintenance of pg1',
    minLength: 1,
    maxLength: MAX_COMMENT_LENGTH,
    description: 'Why (1-1000 characters)',
  })
  @IsString()
  @MinLength(1, { message: 'comment must not be empty' })
  @MaxLength(MAX_COMMENT_LENGTH)
  comment!: string;
}

export class SilencePathDto {
  @ApiProperty({ example: 3, type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
  @WholeNumber('id', 1, Number.MAX_SAFE_INTEGER)
  id!: number;
}

export class SilenceView {
  @ApiProperty({ example: 3 }) id!: number;
  @ApiProperty({ example: 'pg1', nullable: true, type: String, description: 'null: every server' })
  server!: string | null;
  @ApiProperty({
    example: 'server_reachable',
    nullable: true,
    type: String,
    description: 'null: every check',
  })
  check!: string | null;
  @ApiProperty({ format: 'date-time' }) until!: string;
  @ApiProperty({ example: 'Planned maintenance of pg1' }) comment!: string;
  @ApiProperty({ example: 'alice' }) created_by!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

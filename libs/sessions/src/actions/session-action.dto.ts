import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { ISO_DATE_PATTERN, MAX_DATE_LENGTH } from '#history';
import { WholeNumber } from '#http';

export const SESSION_ACTIONS = ['cancel', 'terminate'] as const;
export type SessionAction = (typeof SESSION_ACTIONS)[number];
/** PostgreSQL pids are positive 32-bit integers. */
const MAX_PID = 2147483647;

/** The path of a session action: the server and the session's pid. */
export class SessionPathDto {
  @ApiProperty({ example: 'production-db', description: 'The server’s name as stored' })
  @IsString()
  server_name!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_PID, example: 12345 })
  @WholeNumber('pid', 1, MAX_PID)
  pid!: number;
}

export class SessionActionDto {
  @ApiProperty({
    example: '2025-06-03T10:00:00.123456Z',
    pattern: ISO_DATE_PATTERN,
    maxLength: MAX_DATE_LENGTH,
    description:
      'The session’s backend_start as /locks or /server_stats gave it: any ISO 8601 form of the same instant (no zone means UTC), compared to the millisecond. A pid reused since then does not match.',
  })
  @IsString()
  @MaxLength(MAX_DATE_LENGTH)
  backend_start!: string;
}

export class SessionActionView {
  @ApiProperty({ example: 101 }) pid!: number;
  @ApiProperty({ enum: SESSION_ACTIONS }) action!: SessionAction;
  @ApiProperty({ example: true, description: 'PostgreSQL signalled the session' }) done!: true;
}

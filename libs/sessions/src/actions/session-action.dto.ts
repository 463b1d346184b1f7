import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

export const SESSION_ACTIONS = ['cancel', 'terminate'] as const;
export type SessionAction = (typeof SESSION_ACTIONS)[number];

/** The path of a session action: the server and the session's pid. */
export class SessionPathDto {
  @IsString()
  server_name!: string;

  @Type(() => Number)
  @IsInt({ message: 'pid must be a whole number' })
  @Min(1, { message: 'pid must be between 1 and 2147483647' })
  @Max(2147483647, { message: 'pid must be between 1 and 2147483647' })
  pid!: number;
}

export class SessionActionDto {
  @ApiProperty({
    example: '2025-06-03T10:00:00.123456Z',
    description:
      'The session’s backend_start as /locks or /server_stats gave it: any ISO 8601 form of the same instant (no zone means UTC), compared to the millisecond. A pid reused since then does not match.',
  })
  @IsString()
  @MaxLength(40)
  backend_start!: string;
}

export class SessionActionView {
  @ApiProperty({ example: 101 }) pid!: number;
  @ApiProperty({ enum: SESSION_ACTIONS }) action!: SessionAction;
  @ApiProperty({ example: true, description: 'PostgreSQL signalled the session' }) done!: true;
}

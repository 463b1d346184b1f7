import { ApiProperty } from '@nestjs/swagger';

export class WaitedLockView {
  @ApiProperty({ example: 'ShareLock' }) mode!: string;
  @ApiProperty({ example: 'transactionid', description: 'pg_locks.locktype' }) locktype!: string;
  @ApiProperty({
    example: 'public.orders',
    nullable: true,
    type: String,
    description: 'The relation locked, where the lock has one',
  })
  relation!: string | null;
}

const TIME_DOC = 'ISO 8601 in UTC with the microseconds PostgreSQL keeps';

export class LockNodeView {
  @ApiProperty({ example: 101 }) pid!: number;
  @ApiProperty({
    example: '2025-06-03T10:00:00.123456Z',
    nullable: true,
    type: String,
    description: `${TIME_DOC}; send it back to cancel or terminate this session`,
  })
  backend_start!: string | null;
  @ApiProperty({ nullable: true, type: String }) usename!: string | null;
  @ApiProperty({ nullable: true, type: String }) datname!: string | null;
  @ApiProperty({ nullable: true, type: String }) application_name!: string | null;
  @ApiProperty({ example: 'idle in transaction', nullable: true, type: String }) state!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) query!: string | null;
  @ApiProperty({ nullable: true, type: String, description: TIME_DOC }) xact_start!: string | null;
  @ApiProperty({
    example: 5230,
    nullable: true,
    type: Number,
    description: 'How long this session has waited for its lock; null when it waits on no one',
  })
  waiting_ms!: number | null;
  @ApiProperty({
    type: WaitedLockView,
    nullable: true,
    description: 'The lock waited for; null when the session waits on no one',
  })
  lock!: WaitedLockView | null;
  @ApiProperty({
    type: [Number],
    description: 'Every pid this session waits for (pg_blocking_pids)',
  })
  blocked_by!: number[];
  @ApiProperty({ description: 'Part of a wait cycle the server has not broken yet' })
  cycle!: boolean;
  @ApiProperty({
    type: () => [LockNodeView],
    description: 'Sessions waiting on this one; each session appears once in the tree',
  })
  blocked!: LockNodeView[];
}

export class LockTreeView {
  @ApiProperty({ example: 'pg1' }) server!: string;
  @ApiProperty({ format: 'date-time' }) checked_at!: string;
  @ApiProperty({ example: 3, description: 'Sessions waiting on another session' })
  blocked_sessions!: number;
  @ApiProperty({ example: 1, description: 'Roots that block at least one session' })
  root_blockers!: number;
  @ApiProperty({
    type: [LockNodeView],
    description:
      'Roots first: sessions that block others and wait on no one, then roots of wait cycles',
  })
  tree!: LockNodeView[];
}

import { ApiProperty } from '@nestjs/swagger';

export class CollectorErrorView {
  @ApiProperty({ example: 'timeout' }) code!: string;
  @ApiProperty({ example: 'no answer within 3000 ms' }) message!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) at!: string | null;
}

/** What the views of history sampling and of the other tasks have in common. */
export class CollectorRunView {
  @ApiProperty({ description: 'The last run succeeded and is less than two intervals old' })
  healthy!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_success_at!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_attempt_at!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) next_due_at!: string | null;
  @ApiProperty({ nullable: true, type: Number }) last_duration_ms!: number | null;
  @ApiProperty() consecutive_failures!: number;
  @ApiProperty({ type: CollectorErrorView, nullable: true }) last_error!: CollectorErrorView | null;
}

/** One of the collector's other tasks on the server (statements, session samples, checks...). */
export class CollectorTaskView extends CollectorRunView {
  @ApiProperty({ example: 'statements' }) task!: string;
  @ApiProperty({ description: 'Slots skipped because a run was still going' })
  skipped_runs!: number;
}

/** History sampling of one server, and its other tasks. */
export class CollectorServerView extends CollectorRunView {
  @ApiProperty({ example: 'production-db' }) server!: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'How late the last sample started after its due time (ms)',
  })
  sample_lag_ms!: number | null;
  @ApiProperty({ nullable: true, type: Number }) databases!: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Collector process that took the last sample',
  })
  claimed_by!: string | null;
  @ApiProperty({ type: [CollectorTaskView], description: 'The other collector tasks' })
  tasks!: CollectorTaskView[];
}

export class CollectorStatusView {
  @ApiProperty({ example: 60 }) interval_seconds!: number;
  @ApiProperty({ example: 90 }) retention_days!: number;
  @ApiProperty({ description: 'Whether this API process runs the collector itself' })
  collector_in_this_process!: boolean;
  @ApiProperty({ type: [CollectorServerView] }) servers!: CollectorServerView[];
}

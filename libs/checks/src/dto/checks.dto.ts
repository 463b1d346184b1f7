import { ApiProperty } from '@nestjs/swagger';
import { CHECK_IDS } from '../catalog.js';

const STATUSES = ['ok', 'warning', 'critical', 'unknown'];

export class ThresholdView {
  @ApiProperty({ example: 0.5, nullable: true, type: Number }) warning!: number | null;
  @ApiProperty({ example: 0.75, nullable: true, type: Number }) critical!: number | null;
}

export class CheckResultView {
  @ApiProperty({ enum: CHECK_IDS, example: 'xid_wraparound' }) id!: string;
  @ApiProperty({
    enum: STATUSES,
    description: 'unknown: the check could not be read; message says why',
  })
  status!: string;
  @ApiProperty({
    example: 0.04,
    nullable: true,
    type: Number,
    description: 'What was measured, in the check’s unit (see the README’s checks table)',
  })
  value!: number | null;
  @ApiProperty({ type: ThresholdView, description: 'The levels value was judged by' })
  threshold!: ThresholdView;
  @ApiProperty({
    example: 'Oldest: app_main, 85899346 transactions old (4.0 % of the way to wraparound)',
  })
  message!: string;
  @ApiProperty({ description: 'What a DBA can do about it' }) hint!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    example: [{ database: 'app_main', value: 0.04 }],
    description:
      'What the check concerns (database, schema, table, index, sequence, slot, pid, ...), worst first, each with its value',
  })
  objects!: Record<string, unknown>[];
}

export class ServerChecksView {
  @ApiProperty({ example: 'pg1' }) server!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the collector evaluated the checks; null before the first evaluation',
  })
  checked_at!: string | null;
  @ApiProperty({ type: [CheckResultView] }) checks!: CheckResultView[];
}

export class CheckCountsView {
  @ApiProperty() ok!: number;
  @ApiProperty() warning!: number;
  @ApiProperty() critical!: number;
  @ApiProperty() unknown!: number;
}

export class FleetEntryView {
  @ApiProperty({ example: 'pg1' }) server!: string;
  @ApiProperty({
    enum: STATUSES,
    description:
      'The most alarming status (critical, warning, unknown, ok); unknown before the first evaluation',
  })
  worst!: string;
  @ApiProperty({ type: CheckCountsView }) counts!: CheckCountsView;
  @ApiProperty({
    type: [String],
    example: ['replication_lag'],
    description: 'Checks at warning or critical',
  })
  failing!: string[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) checked_at!: string | null;
}

import { ApiProperty } from '@nestjs/swagger';
import { ErrorInfo } from '../live/status-entry.js';

export class PostgresCheckView {
  @ApiProperty() ok!: boolean;
  @ApiProperty({
    example: 12,
    description: 'Time to connect, log in and run the status query (ms)',
  })
  latency_ms!: number;
  @ApiProperty({ nullable: true, type: String }) version!: string | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'The role is a member of pg_monitor (sees every session’s query)',
  })
  pg_monitor!: boolean | null;
  @ApiProperty({ nullable: true, type: String }) data_directory!: string | null;
  @ApiProperty({ type: ErrorInfo, nullable: true }) error!: ErrorInfo | null;
  @ApiProperty({ type: [String], description: 'What to fix, in plain words' }) hints!: string[];
}

export class SshCheckView {
  @ApiProperty() configured!: boolean;
  @ApiProperty({ nullable: true, type: Boolean }) ok!: boolean | null;
  @ApiProperty({ nullable: true, type: Number }) latency_ms!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Fingerprint the server presented' })
  host_key!: string | null;
  @ApiProperty({ description: 'True when this check recorded the host key (first contact)' })
  host_key_recorded!: boolean;
  @ApiProperty({ nullable: true, type: Number }) free_space!: number | null;
  @ApiProperty({ nullable: true, type: Number }) total_space!: number | null;
  @ApiProperty({ type: ErrorInfo, nullable: true }) error!: ErrorInfo | null;
}

export class ServerCheckView {
  @ApiProperty({ example: 'production-db' }) name!: string;
  @ApiProperty({ example: 'ok' }) status!: string;
  @ApiProperty({ type: PostgresCheckView }) postgres!: PostgresCheckView;
  @ApiProperty({ type: SshCheckView }) ssh!: SshCheckView;
  @ApiProperty({ format: 'date-time' }) checked_at!: string;
}

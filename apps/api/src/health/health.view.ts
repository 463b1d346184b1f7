import { ApiProperty } from '@nestjs/swagger';

export class HealthView {
  @ApiProperty({ example: 'ok', enum: ['ok', 'degraded', 'error', 'shutting_down'] })
  status!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ example: 4 }) pools_count!: number;
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiProperty({ example: 'INFO' }) log_level!: string;
  @ApiProperty({
    description: 'Result of each check (store, pools), with what it measured',
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['up', 'down'] } },
      required: ['status'],
      additionalProperties: true,
    },
    example: { store: { status: 'up', backend: 'sqlite' }, pools: { status: 'up', pools: 0 } },
  })
  checks!: Record<string, unknown>;
}

import { ApiProperty } from '@nestjs/swagger';

/** One pool in GET /api/pools/status: the seed's fields first, then live counts. */
export class PoolStatusView {
  @ApiProperty({ example: 1 }) minconn!: number;
  @ApiProperty({ example: 5 }) maxconn!: number;
  @ApiProperty({ example: false }) closed!: boolean;
  @ApiProperty({ example: 2, description: 'Open connections' }) total!: number;
  @ApiProperty({ example: 1, description: 'Open and idle' }) idle!: number;
  @ApiProperty({ example: 0, description: 'Callers waiting for a free connection' })
  waiting!: number;
  @ApiProperty({ example: 'production-db' }) server!: string;
  @ApiProperty({ example: 'default', enum: ['default', 'stats_db'] }) profile!: string;
  @ApiProperty({ example: 3, description: 'Most connections ever open at once' }) peak!: number;
  @ApiProperty({ example: 1520, description: 'Connections handed out' }) acquired!: number;
  @ApiProperty({ example: 4, description: 'Acquisitions that had to wait for a free connection' })
  waited!: number;
  @ApiProperty({ example: 0, description: 'Connection or acquisition errors' }) errors!: number;
  @ApiProperty({ format: 'date-time' }) last_used_at!: string;
}

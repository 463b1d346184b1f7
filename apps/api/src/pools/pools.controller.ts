import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import { ApiAuth } from '#auth';
import { PoolRegistry, PoolStatusView } from '#pool';

@ApiTags('service')
@ApiAuth()
@ApiExtraModels(PoolStatusView)
@Controller('api/pools')
export class PoolsController {
  constructor(private readonly pools: PoolRegistry) {}

  @Get('status')
  @ApiOperation({ summary: 'Connection pools by host:port:user:database (never a password)' })
  @ApiOkResponse({
    schema: { type: 'object', additionalProperties: { $ref: getSchemaPath(PoolStatusView) } },
  })
  status(): Record<string, PoolStatusView> {
    return this.pools.status();
  }
}

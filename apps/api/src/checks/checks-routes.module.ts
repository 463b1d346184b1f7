import { Module } from '@nestjs/common';
import { ChecksModule } from '#checks';
import { ServersModule } from '#servers';
import { ChecksController } from './checks.controller.js';

/** GET /server/{name}/checks and GET /checks. */
@Module({ imports: [ServersModule, ChecksModule], controllers: [ChecksController] })
export class ChecksRoutesModule {}

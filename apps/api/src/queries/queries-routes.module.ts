import { Module } from '@nestjs/common';
import { InsightModule } from '#insight';
import { ServersModule } from '#servers';
import { QueriesController } from './queries.controller.js';

/** /server/{name}/queries: pg_stat_statements history. */
@Module({ imports: [ServersModule, InsightModule], controllers: [QueriesController] })
export class QueriesRoutesModule {}

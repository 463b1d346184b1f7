import { Module } from '@nestjs/common';
import { HistoryModule } from '#history';
import { ServersModule } from '#servers';
import { HistoryController } from './history.controller.js';

/** /server/{name}/stats and /server/{name}/db/...: history over a period. */
@Module({ imports: [ServersModule, HistoryModule], controllers: [HistoryController] })
export class HistoryRoutesModule {}

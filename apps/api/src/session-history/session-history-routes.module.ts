import { Module } from '@nestjs/common';
import { InsightModule } from '#insight';
import { ServersModule } from '#servers';
import { SessionHistoryController } from './session-history.controller.js';

/** /server/{name}/activity/...: active session history. */
@Module({ imports: [ServersModule, InsightModule], controllers: [SessionHistoryController] })
export class SessionHistoryRoutesModule {}

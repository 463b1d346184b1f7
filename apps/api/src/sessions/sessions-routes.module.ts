import { Module } from '@nestjs/common';
import { ServersModule } from '#servers';
import { SessionsModule } from '#sessions';
import { SessionsController } from './sessions.controller.js';

/** GET /server/{name}/locks and the session actions. */
@Module({ imports: [ServersModule, SessionsModule], controllers: [SessionsController] })
export class SessionsRoutesModule {}

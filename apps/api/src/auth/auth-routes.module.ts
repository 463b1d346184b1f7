import { Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { RefreshCookie } from './refresh-cookie.js';
import { SameOriginGuard } from './same-origin.guard.js';
import { SessionController } from './session.controller.js';
import { TokenController } from './token.controller.js';

/** POST /token, and the upstream web UI's POST /api/refresh and POST /api/logout. */
@Module({
  imports: [AuthModule],
  controllers: [TokenController, SessionController],
  providers: [RefreshCookie, SameOriginGuard],
})
export class AuthRoutesModule {}

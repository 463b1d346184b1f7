import { Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { TokenController } from './token.controller.js';

/** POST /token. */
@Module({ imports: [AuthModule], controllers: [TokenController] })
export class AuthRoutesModule {}

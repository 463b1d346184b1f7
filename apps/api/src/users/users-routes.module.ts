import { Module } from '@nestjs/common';
import { UsersModule } from '#auth';
import { UsersController } from './users.controller.js';

/** /users: the logged-in user, and user management for admins. */
@Module({ imports: [UsersModule], controllers: [UsersController] })
export class UsersRoutesModule {}

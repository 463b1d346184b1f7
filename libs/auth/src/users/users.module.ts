import { Module } from '@nestjs/common';
import { StoreModule } from '#store';
import { PasswordHasher } from './password-hasher.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** Users and passwords without HTTP: used by AuthModule, the CLI and the seed importer. */
@Module({
  imports: [StoreModule],
  providers: [UsersRepository, UsersService, PasswordHasher],
  exports: [UsersRepository, UsersService, PasswordHasher],
})
export class UsersModule {}

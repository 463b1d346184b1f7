import { Module } from '@nestjs/common';
import { SecretsModule } from '#secrets';
import { StoreModule } from '#store';
import { SshKeysRepository } from './ssh-keys.repository.js';
import { SshKeysService } from './ssh-keys.service.js';

/** SSH keys pgmon keeps for servers to use. No connections. */
@Module({
  imports: [StoreModule, SecretsModule],
  providers: [SshKeysRepository, SshKeysService],
  exports: [SshKeysService],
})
export class SshKeysModule {}

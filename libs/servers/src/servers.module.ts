import { Module } from '@nestjs/common';
import { SecretsModule } from '#secrets';
import { StoreModule } from '#store';
import { ServerTargets } from './server-targets.js';
import { ServersRepository } from './servers.repository.js';
import { ServersService } from './servers.service.js';

/** Server configurations: CRUD rules, sealed secrets, connection targets. No connections. */
@Module({
  imports: [StoreModule, SecretsModule],
  providers: [ServersRepository, ServersService, ServerTargets],
  exports: [ServersService, ServerTargets],
})
export class ServersModule {}

import { Module } from '@nestjs/common';
import { PoolModule } from '#pool';
import { SecretsModule } from '#secrets';
import { StoreModule } from '#store';
import { ServerTargets } from './server-targets.js';
import { ServersRepository } from './servers.repository.js';
import { ServersService } from './servers.service.js';

/**
 * Server configurations: CRUD rules, sealed secrets, connection targets. Its HTTP routes live in
 * StatsModule, because every one of them answers with the server's live status entry.
 */
@Module({
  imports: [StoreModule, SecretsModule, PoolModule],
  providers: [ServersRepository, ServersService, ServerTargets],
  exports: [ServersService, ServerTargets],
})
export class ServersModule {}

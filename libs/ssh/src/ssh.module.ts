import { Module } from '@nestjs/common';
import { SshService } from './ssh.service.js';

/**
 * SSH access to monitored servers (disk usage of the data directory). Needs a global
 * CACHE_MANAGER and AppConfig, which the apps register once.
 */
@Module({
  providers: [SshService],
  exports: [SshService],
})
export class SshModule {}

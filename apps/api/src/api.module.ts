import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuthModule } from '#auth';
import { AppCacheModule } from '#cache';
import { CollectorModule } from '#collector';
import { AppConfigModule, type AppConfigModuleOptions } from '#config';
import { HttpPipelineModule } from '#http';
import { MetricsModule } from '#metrics';
import { StoreModule } from '#store';
import { ActivityRoutesModule } from './activity/activity-routes.module.js';
import { AlertsRoutesModule } from './alerts/alerts-routes.module.js';
import { ApiAliases } from './api-aliases.js';
import { AuditRoutesModule } from './audit/audit-routes.module.js';
import { AuthRoutesModule } from './auth/auth-routes.module.js';
import { ChecksRoutesModule } from './checks/checks-routes.module.js';
import { CollectorRoutesModule } from './collector/collector-routes.module.js';
import { HealthRoutesModule } from './health/health-routes.module.js';
import { HistoryRoutesModule } from './history/history-routes.module.js';
import { LogsRoutesModule } from './logs/logs-routes.module.js';
import { MetricsRoutesModule } from './metrics/metrics-routes.module.js';
import { PoolsRoutesModule } from './pools/pools-routes.module.js';
import { QueriesRoutesModule } from './queries/queries-routes.module.js';
import { ServersRoutesModule } from './servers/servers-routes.module.js';
import { SessionsRoutesModule } from './sessions/sessions-routes.module.js';
import { SessionHistoryRoutesModule } from './session-history/session-history-routes.module.js';
import { SettingsRoutesModule } from './settings/settings-routes.module.js';
import { SshKeysRoutesModule } from './ssh-keys/ssh-keys-routes.module.js';
import { UsersRoutesModule } from './users/users-routes.module.js';

/**
 * The HTTP API process: the libraries' domain modules, plus one routes module per feature
 * (the controllers live here, in apps/api/src/<feature>/). AuthModule brings the global
 * guards; CollectorModule runs the collector in this process unless COLLECTOR_ENABLED=false.
 */
@Module({})
export class ApiModule {
  static async forRoot(options: AppConfigModuleOptions = {}): Promise<DynamicModule> {
    return {
      module: ApiModule,
      imports: [
        await AppConfigModule.forRoot(options),
        MetricsModule,
        AppCacheModule,
        HttpPipelineModule,
        StoreModule,
        AuthModule,
        CollectorModule,
        AuthRoutesModule,
        UsersRoutesModule,
        ServersRoutesModule,
        ActivityRoutesModule,
        HistoryRoutesModule,
        SessionsRoutesModule,
        ChecksRoutesModule,
        AlertsRoutesModule,
        AuditRoutesModule,
        QueriesRoutesModule,
        SessionHistoryRoutesModule,
        SshKeysRoutesModule,
        SettingsRoutesModule,
        LogsRoutesModule,
        CollectorRoutesModule,
        PoolsRoutesModule,
        MetricsRoutesModule,
        HealthRoutesModule,
        DiscoveryModule,
      ],
      providers: [ApiAliases],
    };
  }
}

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { RedisConnection } from '#cache';
import { AppConfig } from '#config';
import { StoreModule } from '#store';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { LOGIN_ATTEMPT_STORE, MemoryLoginAttemptStore } from './login/login-attempt.store.js';
import { LoginAttemptsService } from './login/login-attempts.service.js';
import { RedisLoginAttemptStore } from './login/redis-login-attempt.store.js';
import { TokenService } from './login/token.service.js';
import { AuthCache } from './tokens/auth-cache.js';
import { RefreshTokens } from './sessions/refresh-tokens.js';
import { RefreshTokensRepository } from './sessions/refresh-tokens.repository.js';
import { SessionAudit } from './sessions/session-audit.js';
import { SessionsService } from './sessions/sessions.service.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { AdminBootstrapService } from './users/admin-bootstrap.service.js';
import { UsersModule } from './users/users.module.js';

/** Users, login, tokens and the global deny-by-default guards (token first, then role). */
@Module({
  imports: [
    StoreModule,
    UsersModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.secretKey,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [
    TokenService,
    RefreshTokensRepository,
    RefreshTokens,
    SessionAudit,
    SessionsService,
    LoginAttemptsService,
    AuthCache,
    // Shared by the replicas through Redis when REDIS_URL is set; in this process otherwise.
    {
      provide: LOGIN_ATTEMPT_STORE,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) =>
        redis.enabled ? new RedisLoginAttemptStore(redis) : new MemoryLoginAttemptStore(),
    },
    LocalStrategy,
    JwtStrategy,
    LocalAuthGuard,
    AdminBootstrapService,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [
    UsersModule,
    TokenService,
    SessionsService,
    SessionAudit,
    LoginAttemptsService,
    LocalAuthGuard,
    AuthCache,
  ],
})
export class AuthModule {}

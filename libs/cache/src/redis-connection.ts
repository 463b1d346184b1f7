import type { createClient as CreateClient, RedisClientType } from '@keyv/redis';
import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '#config';
import { redactUrl } from '#logging';

/** How long the start waits for Redis. */
const START_TIMEOUT_MS = 5000;
/** How long a command may wait for Redis before the caller falls back (a lock, a counter). */
const COMMAND_TIMEOUT_MS = 1000;

/**
 * The Redis connections of this process when REDIS_URL is set (one for commands, one for
 * subscriptions, which Redis requires to be separate); none otherwise. Commands fail fast
 * while Redis is unreachable (no offline queue): callers fall back to in-process behaviour.
 */
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: RedisClientType | undefined;
  readonly subscriber: RedisClientType | undefined;
  private lastError = 0;

  /** The provider: the Redis client library is loaded only when REDIS_URL is set. */
  static async create(config: AppConfig): Promise<RedisConnection> {
    if (!config.cache.redisUrl) return new RedisConnection(config);
    const { createClient } = await import('@keyv/redis');
    return new RedisConnection(config, createClient);
  }

  constructor(
    private readonly config: AppConfig,
    createClient?: typeof CreateClient,
  ) {
    const url = config.cache.redisUrl;
    if (!url || !createClient) return;
    const options = {
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 3000,
        reconnectStrategy: (retries: number) => Math.min(retries * 200, 2000),
      },
      commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    };
    this.client = createClient(options);
    this.subscriber = createClient(options);
    for (const client of [this.client, this.subscriber]) {
      client.on('error', (error: unknown) => this.reportError(error));
    }
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  /**
   * Connects at start, or stops the start with a message naming REDIS_URL (like an unreachable
   * store). Later outages are survived: the clients reconnect, callers fall back meanwhile.
   */
  async onModuleInit(): Promise<void> {
    if (!this.client || !this.subscriber) return;
    const where = redactUrl(this.config.cache.redisUrl ?? '');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`REDIS_URL: could not connect to ${where} within ${START_TIMEOUT_MS} ms`),
          ),
        START_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([
        Promise.all([this.client.connect(), this.subscriber.connect()]),
        timeout,
      ]);
    } catch (error) {
      await this.onApplicationShutdown();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    this.logger.log(`Connected to ${where}`);
  }

  async onApplicationShutdown(): Promise<void> {
    // destroy, not close: nothing here must outlive the process, and a close would wait for a
    // reconnecting socket.
    for (const client of [this.client, this.subscriber]) if (client?.isOpen) client.destroy();
    return Promise.resolve();
  }

  /** Redis errors are logged at most every 10 s: a down Redis must not flood the log. */
  reportError(error: unknown): void {
    if (Date.now() - this.lastError < 10_000) return;
    this.lastError = Date.now();
    this.logger.warn(`Redis: ${error instanceof Error ? error.message : String(error)}`);
  }
}

import { EventEmitter } from 'node:events';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { RedisConnection } from './redis-connection.js';

/** Channels of things every replica must forget at once. */
export type InvalidationChannel = 'users' | 'settings';

const PREFIX = 'pgmon:invalidate:';

/**
 * Tells every process that something changed (a user disabled, a password changed): in-process
 * listeners always, and through Redis pub/sub to the other replicas when REDIS_URL is set.
 */
@Injectable()
export class InvalidationBus implements OnModuleInit {
  private readonly local = new EventEmitter();

  constructor(private readonly redis: RedisConnection) {
    this.local.setMaxListeners(50);
  }

  async onModuleInit(): Promise<void> {
    const subscriber = this.redis.subscriber;
    if (!subscriber) return;
    await subscriber.pSubscribe(`${PREFIX}*`, (message: string, channel: string) => {
      this.local.emit(channel.slice(PREFIX.length), message);
    });
  }

  /** Delivers `message` to every listener of the channel, here and in the other replicas. */
  async publish(channel: InvalidationChannel, message: string): Promise<void> {
    const client = this.redis.client;
    if (!client) {
      this.local.emit(channel, message);
      return;
    }
    // Through Redis only: the subscription delivers it here too, once.
    await client.publish(`${PREFIX}${channel}`, message).catch((error: unknown) => {
      this.redis.reportError(error);
      this.local.emit(channel, message);
    });
  }

  on(channel: InvalidationChannel, listener: (message: string) => void): void {
    this.local.on(channel, listener);
  }
}

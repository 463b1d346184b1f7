import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InvalidationBus } from '#cache';
import { AppConfig } from '#config';
import { AuditLogService } from '#store';
import { definitionOf, SETTINGS, type SettingDefinition, type SettingKey } from './catalog.js';
import { SettingsRepository, type StoredSetting } from './settings.repository.js';

/** How often every process reads the settings again: the bound on propagation without Redis. */
export const SETTINGS_REREAD_MS = 5000;

/** One setting as the API shows it. */
export interface SettingState {
  definition: SettingDefinition;
  value: number;
  /** The environment's value (or its default): the value while no admin set one. */
  fallback: number;
  /** `store` once an admin set it, else `env` (the environment's value or its default). */
  source: 'store' | 'env';
  updatedAt: number | null;
  updatedBy: string | null;
}

/** Who changes settings, for the audit log. */
export interface SettingsActor {
  login: string;
  clientIp?: string | null;
}

/**
 * Runtime settings (collector intervals, retention): the store is the source of truth, every
 * process keeps a snapshot it reads synchronously (collector tasks ask for their interval at
 * every claim). A change reaches this process at once, the other processes through the
 * InvalidationBus (Redis) and, without Redis, at their next re-read (SETTINGS_REREAD_MS).
 * A snapshot of a few numbers rather than cache-manager: readers need the value synchronously.
 */
@Injectable()
export class SettingsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Settings');
  private snapshot = new Map<string, StoredSetting>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: SettingsRepository,
    private readonly config: AppConfig,
    private readonly bus: InvalidationBus,
    private readonly audit: AuditLogService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.bus.on('settings', () => void this.reload());
    this.timer = setInterval(() => void this.reload(), SETTINGS_REREAD_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The current value: what an admin set, else the environment's. */
  value(key: SettingKey): number {
    return this.snapshot.get(key)?.value ?? definitionOf(key).fallback(this.config);
  }

  /** A setting in seconds, in milliseconds (for intervals). */
  milliseconds(key: SettingKey): number {
    return this.value(key) * 1000;
  }

  list(): SettingState[] {
    return SETTINGS.map((definition) => {
      const stored = this.snapshot.get(definition.key);
      const fallback = definition.fallback(this.config);
      return {
        definition,
        value: stored?.value ?? fallback,
        fallback,
        source: stored ? 'store' : 'env',
        updatedAt: stored?.updatedAt ?? null,
        updatedBy: stored?.updatedBy ?? null,
      };
    });
  }

  /** Stores the values (already validated), audits what changed, tells every process. */
  async update(values: Partial<Record<SettingKey, number>>, actor: SettingsActor): Promise<void> {
    const changed = Object.entries(values).filter(
      ([key, value]) => value !== this.value(key as SettingKey),
    );
    if (changed.length === 0) return;
    const before = Object.fromEntries(changed.map(([key]) => [key, this.value(key as SettingKey)]));
    await this.repository.save(Object.fromEntries(changed), actor.login);
    await this.audit.record({
      actor: actor.login,
      action: 'settings.update',
      target: changed.map(([key]) => key).join(','),
      detail: { before, after: Object.fromEntries(changed) },
      clientIp: actor.clientIp ?? null,
    });
    await this.reload();
    await this.bus.publish('settings', 'changed');
  }

  /** Reads the store; a failed read keeps the last snapshot (logged), never throws. */
  async reload(): Promise<void> {
    let rows: StoredSetting[];
    try {
      rows = await this.repository.all();
    } catch (error) {
      this.logger.warn(
        `Settings not re-read: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    this.snapshot = new Map(rows.map((row) => [row.key, row]));
  }
}

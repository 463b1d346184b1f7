import type { RequestActor } from '#auth';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '#config';
import { SecretCipher } from '#secrets';
import { AuditLogService, isUniqueViolation } from '#store';
import type {
  CreateChannelDto,
  NotificationChannelView,
  UpdateChannelDto,
} from '../dto/channels.dto.js';
import {
  displayUrl,
  SEALED_SECRET,
  SEALED_URL,
  type ChannelRecord,
  type OpenedChannel,
} from './channel.js';
import { toNewRow, toRowChanges } from './channel-rows.js';
import { ChannelsRepository } from './channels.repository.js';

/** Notification channels: CRUD with sealed secrets, audited; answers never carry a secret. */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly channels: ChannelsRepository,
    private readonly cipher: SecretCipher,
    private readonly audit: AuditLogService,
    private readonly config: AppConfig,
  ) {}

  async list(): Promise<NotificationChannelView[]> {
    return (await this.channels.list()).map((channel) => this.view(channel));
  }

  async get(name: string): Promise<ChannelRecord> {
    const channel = await this.channels.findByName(name);
    if (!channel) throw new NotFoundException(`Notification channel ${name} not found`);
    return channel;
  }

  async create(input: CreateChannelDto, actor: RequestActor): Promise<NotificationChannelView> {
    if (await this.channels.findByName(input.name)) throw taken(input.name);
    try {
      await this.channels.insert(
        toNewRow(input, this.cipher, this.config.alerts.smtpUrl !== undefined),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw taken(input.name);
      throw error;
    }
    await this.record(actor, 'channel.create', input.name, input);
    return this.view(await this.get(input.name));
  }

  async update(
    name: string,
    input: UpdateChannelDto,
    actor: RequestActor,
  ): Promise<NotificationChannelView> {
    const current = await this.get(name);
    await this.channels.update(current.id, toRowChanges(current, input, this.cipher));
    await this.record(actor, 'channel.update', name, input);
    return this.view(await this.get(name));
  }

  async delete(name: string, actor: RequestActor): Promise<void> {
    const current = await this.get(name);
    await this.channels.delete(current.id);
    await this.record(actor, 'channel.delete', name, {});
  }

  /** The channel with its secrets opened, to send through; undefined once deleted. */
  async opened(id: number): Promise<OpenedChannel | undefined> {
    const channel = await this.channels.findById(id);
    return channel && this.open(channel);
  }

  open(channel: ChannelRecord): OpenedChannel {
    return {
      id: channel.id,
      name: channel.name,
      type: channel.type,
      url: channel.sealedUrl === null ? null : this.cipher.open(channel.sealedUrl, SEALED_URL),
      secret:
        channel.sealedSecret === null
          ? null
          : this.cipher.open(channel.sealedSecret, SEALED_SECRET),
      format: channel.format ?? 'pgmon',
      recipients: channel.recipients ?? [],
    };
  }

  view(channel: ChannelRecord): NotificationChannelView {
    const url = channel.sealedUrl === null ? null : this.cipher.open(channel.sealedUrl, SEALED_URL);
    return {
      name: channel.name,
      type: channel.type,
      url: url === null ? null : displayUrl(url),
      format: channel.format,
      to: channel.recipients,
      min_severity: channel.minSeverity,
      send_resolved: channel.sendResolved,
      has_secret: channel.sealedSecret !== null,
      created_at: new Date(channel.createdAt).toISOString(),
      updated_at: new Date(channel.updatedAt).toISOString(),
    };
  }

  /** The change without its secrets: the URL as answers show it, the secret not at all. */
  private async record(
    actor: RequestActor,
    action: string,
    name: string,
    input: UpdateChannelDto,
  ): Promise<void> {
    const detail = {
      type: input.type,
      url: input.url ? displayUrl(input.url) : undefined,
      format: input.format,
      to: input.to,
      min_severity: input.min_severity,
      send_resolved: input.send_resolved,
    };
    await this.audit.record({
      actor: actor.login,
      clientIp: actor.clientIp,
      action,
      target: name,
      detail: Object.fromEntries(Object.entries(detail).filter(([, value]) => value !== undefined)),
    });
  }
}

function taken(name: string): ConflictException {
  return new ConflictException(`Notification channel ${name} already exists`);
}

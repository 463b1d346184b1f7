import { Injectable } from '@nestjs/common';
import type { OpenedChannel } from '../channels/channel.js';
import { EmailSender } from './email.sender.js';
import type { Notification } from './message.js';
import type { SendOutcome } from './send-outcome.js';
import { WebhookSender } from './webhook.sender.js';

/** Sends one notification through a channel of any type. */
@Injectable()
export class Notifier {
  constructor(
    private readonly webhook: WebhookSender,
    private readonly email: EmailSender,
  ) {}

  send(
    channel: OpenedChannel,
    notification: Notification,
    deliveryId: number | null,
  ): Promise<SendOutcome> {
    return channel.type === 'email'
      ? this.email.send(channel, notification)
      : this.webhook.send(channel, notification, deliveryId);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  ChannelsService,
  ChannelTestView,
  CreateChannelDto,
  DeliveriesQueryDto,
  DeliveriesService,
  DeliveryView,
  NotificationChannelView,
  UpdateChannelDto,
} from '#alerts';
import { ApiAuth, AuditActor, MessageView, Roles, type RequestActor } from '#auth';
import { ApiErrors } from '#http';

/** OpenAPI: the `name` path parameter of one channel. */
const ApiChannelName = (): MethodDecorator =>
  ApiParam({ name: 'name', description: 'The channel’s name', example: 'oncall' });

/** Where alerts are sent: webhooks and email, with their delivery logs (admin). */
@ApiTags('alerts')
@ApiAuth()
@Roles('admin')
@Controller('notification-channels')
export class NotificationChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Every notification channel, by name (admin); secrets are never returned',
  })
  @ApiOkResponse({ type: [NotificationChannelView] })
  list(): Promise<NotificationChannelView[]> {
    return this.channels.list();
  }

  @Post()
  @ApiOperation({ summary: 'Add a webhook or email channel (admin)' })
  @ApiCreatedResponse({ type: NotificationChannelView })
  @ApiErrors({
    409: 'A channel with this name exists',
    422: 'Invalid fields, fields of the other type, or an email channel without SMTP_URL',
  })
  create(
    @Body() body: CreateChannelDto,
    @AuditActor() actor: RequestActor,
  ): Promise<NotificationChannelView> {
    return this.channels.create(body, actor);
  }

  @Get(':name')
  @ApiChannelName()
  @ApiOperation({ summary: 'One notification channel (admin)' })
  @ApiOkResponse({ type: NotificationChannelView })
  @ApiErrors({ 404: 'No such channel' })
  async get(@Param('name') name: string): Promise<NotificationChannelView> {
    return this.channels.view(await this.channels.get(name));
  }

  @Put(':name')
  @ApiChannelName()
  @ApiOperation({
    summary:
      'Change a channel (admin): omitted fields, an empty secret and the URL as shown are kept',
  })
  @ApiOkResponse({ type: NotificationChannelView })
  @ApiErrors({ 404: 'No such channel', 422: 'Invalid fields, or a change of type' })
  update(
    @Param('name') name: string,
    @Body() body: UpdateChannelDto,
    @AuditActor() actor: RequestActor,
  ): Promise<NotificationChannelView> {
    return this.channels.update(name, body, actor);
  }

  @Delete(':name')
  @ApiChannelName()
  @ApiOperation({ summary: 'Delete a channel and its delivery log (admin)' })
  @ApiOkResponse({ type: MessageView })
  @ApiErrors({ 404: 'No such channel' })
  async remove(
    @Param('name') name: string,
    @AuditActor() actor: RequestActor,
  ): Promise<MessageView> {
    await this.channels.delete(name, actor);
    return { message: `Notification channel ${name} deleted` };
  }

  @Post(':name/test')
  @ApiChannelName()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a test message now and say what the receiver answered (admin)',
    description:
      'Sent once, without retries, under NOTIFICATION_TIMEOUT_MS; recorded in the delivery log.',
  })
  @ApiOkResponse({ type: ChannelTestView })
  @ApiErrors({ 404: 'No such channel' })
  test(@Param('name') name: string, @AuditActor() actor: RequestActor): Promise<ChannelTestView> {
    return this.deliveries.test(name, actor.login);
  }

  @Get(':name/deliveries')
  @ApiChannelName()
  @ApiOperation({
    summary:
      'The channel’s deliveries, newest first, each with every attempt and what the receiver answered (admin)',
  })
  @ApiOkResponse({ type: [DeliveryView] })
  @ApiErrors({ 404: 'No such channel', 422: 'Bad limit' })
  deliveriesOf(
    @Param('name') name: string,
    @Query() query: DeliveriesQueryDto,
  ): Promise<DeliveryView[]> {
    return this.deliveries.list(name, query.limit ?? 100);
  }
}

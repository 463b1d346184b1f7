import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  UseInterceptors,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, AuditActor, MessageView, Roles, type RequestActor } from '#auth';
import { ApiErrors } from '#http';
import { ApiServerName, CreateServerDto, ServersService, UpdateServerDto } from '#servers';
import { ServerCheckService, ServerCheckView, ServerStatusService, StatusEntry } from '#stats';
import { ServersListCacheInterceptor } from './servers-list-cache.interceptor.js';

const INVALID_FIELDS =
  'Invalid fields; SSH settings without the credential they need; an unusable private key';

/** The servers routes: configuration changes answer with the server's live status entry. */
@ApiTags('servers')
@ApiAuth()
@Controller('servers')
export class ServersController {
  constructor(
    private readonly servers: ServersService,
    private readonly statuses: ServerStatusService,
    private readonly checks: ServerCheckService,
  ) {}

  @Get()
  @UseInterceptors(ServersListCacheInterceptor)
  @ApiOperation({
    summary: 'Every server with its live status, ordered by name (each entry cached 5 s)',
  })
  @ApiOkResponse({ type: [StatusEntry] })
  list(): Promise<StatusEntry[]> {
    return this.statuses.listStatuses();
  }

  @Get(':server_name')
  @ApiOperation({ summary: 'One server with its live status (cached 5 s)' })
  @ApiServerName()
  @ApiOkResponse({ type: StatusEntry })
  @ApiErrors({ 404: 'No such server' })
  async get(@Param('server_name') name: string): Promise<StatusEntry> {
    return this.statuses.statusOf(await this.servers.get(name));
  }

  @Post()
  @Roles('operator')
  @ApiOperation({ summary: 'Add a server; saved even when unreachable now (its status says why)' })
  @ApiCreatedResponse({ type: StatusEntry })
  @ApiErrors({
    409: 'A server with this name exists (in any case)',
    422: INVALID_FIELDS,
  })
  async create(
    @Body() body: CreateServerDto,
    @AuditActor() actor: RequestActor,
  ): Promise<StatusEntry> {
    const server = await this.servers.create(body, actor);
    return this.statuses.freshStatusOf(server);
  }

  @Put(':server_name')
  @Roles('operator')
  @ApiOperation({
    summary: 'Change a server; empty or omitted secrets are kept; pools and caches are dropped',
  })
  @ApiServerName()
  @ApiOkResponse({ type: StatusEntry })
  @ApiErrors({
    404: 'No such server',
    409: 'The new name is taken (in any case)',
    422: `${INVALID_FIELDS}; a secret not sent again for a new place`,
  })
  async update(
    @Param('server_name') name: string,
    @Body() body: UpdateServerDto,
    @AuditActor() actor: RequestActor,
  ): Promise<StatusEntry> {
    const server = await this.servers.update(name, body, actor);
    return this.statuses.freshStatusOf(server);
  }

  @Delete(':server_name')
  @Roles('operator')
  @ApiOperation({ summary: 'Delete a server and close its pools' })
  @ApiServerName()
  @ApiOkResponse({ type: MessageView })
  @ApiErrors({ 404: 'No such server' })
  async remove(
    @Param('server_name') name: string,
    @AuditActor() actor: RequestActor,
  ): Promise<MessageView> {
    await this.servers.delete(name, actor);
    return { message: `Server ${name} deleted` };
  }

  @Post(':server_name/test')
  @Roles('operator')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check PostgreSQL (fresh connection) and SSH (no cache) now, and say what failed',
  })
  @ApiServerName()
  @ApiOkResponse({ type: ServerCheckView })
  @ApiErrors({
    404: 'No such server',
    429: 'Too many checks of the same host:port are running; try again in a few seconds',
  })
  async test(@Param('server_name') name: string): Promise<ServerCheckView> {
    return this.checks.check(await this.servers.get(name));
  }
}

import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateSilenceDto, SilencePathDto, SilencesService, SilenceView } from '#alerts';
import { ApiAuth, AuditActor, MessageView, Roles, type RequestActor } from '#auth';
import { ApiErrors } from '#http';

/** Silences: covered alerts still show (marked silenced) and send nothing until they end. */
@ApiTags('alerts')
@ApiAuth()
@Roles('operator')
@Controller('silences')
export class SilencesController {
  constructor(private readonly silences: SilencesService) {}

  @Get()
  @ApiOperation({ summary: 'Silences that have not ended, newest first (operator)' })
  @ApiOkResponse({ type: [SilenceView] })
  list(): Promise<SilenceView[]> {
    return this.silences.list();
  }

  @Post()
  @ApiOperation({
    summary:
      'Silence a server’s alerts, a check’s, one check on one server, or all, until a time (operator)',
  })
  // The example names no server: which one exists where it is tried cannot be known here.
  @ApiBody({
    type: CreateSilenceDto,
    examples: {
      check: {
        summary: 'One check on every server',
        value: {
          check: 'server_reachable',
          until: '2099-01-01T06:00:00Z',
          comment: 'Network maintenance',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: SilenceView })
  @ApiErrors({ 422: 'until not in the future, no comment, unknown server or check' })
  create(@Body() body: CreateSilenceDto, @AuditActor() actor: RequestActor): Promise<SilenceView> {
    return this.silences.create(body, actor);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'End a silence now (operator)' })
  @ApiOkResponse({ type: MessageView })
  @ApiErrors({ 404: 'No such silence', 422: 'id is not a whole number' })
  async remove(
    @Param() path: SilencePathDto,
    @AuditActor() actor: RequestActor,
  ): Promise<MessageView> {
    await this.silences.delete(path.id, actor);
    return { message: `Silence ${path.id} deleted` };
  }
}

import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CreateSilenceDto, SilencePathDto, SilencesService, SilenceView } from '#alerts';
import { ApiAuth, AuditActor, MessageView, Roles, type RequestActor } from '#auth';

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
  @ApiCreatedResponse({ type: SilenceView })
  @ApiUnprocessableEntityResponse({
    description: 'until not in the future, no comment, unknown server or check',
  })
  create(@Body() body: CreateSilenceDto, @AuditActor() actor: RequestActor): Promise<SilenceView> {
    return this.silences.create(body, actor);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'End a silence now (operator)' })
  @ApiOkResponse({ type: MessageView })
  @ApiNotFoundResponse({ description: 'No such silence' })
  @ApiUnprocessableEntityResponse({ description: 'id is not a whole number' })
  async remove(
    @Param() path: SilencePathDto,
    @AuditActor() actor: RequestActor,
  ): Promise<MessageView> {
    await this.silences.delete(path.id, actor);
    return { message: `Silence ${path.id} deleted` };
  }
}

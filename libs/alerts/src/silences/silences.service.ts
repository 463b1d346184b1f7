import type { RequestActor } from '#auth';
import { Injectable, NotFoundException } from '@nestjs/common';
import { parseQueryDate } from '#history';
import { ServersService } from '#servers';
import { AuditLogService } from '#store';
import type { CreateSilenceDto, SilenceView } from '../dto/silences.dto.js';
import { invalidField } from '../invalid-field.js';
import { SilencesRepository, type SilenceRecord } from './silences.repository.js';

/** Silences: alerts they cover still show (marked silenced) and send nothing. */
@Injectable()
export class SilencesService {
  constructor(
    private readonly silences: SilencesRepository,
    private readonly servers: ServersService,
    private readonly audit: AuditLogService,
  ) {}

  async list(): Promise<SilenceView[]> {
    return (await this.silences.active(Date.now())).map(toView);
  }

  async create(input: CreateSilenceDto, actor: RequestActor): Promise<SilenceView> {
    const now = Date.now();
    const until = parseQueryDate(input.until, 'until', 'body') ?? now;
    if (until <= now) throw invalidField('until', 'until must be in the future');
    const server =
      input.server === undefined
        ? null
        : (await this.servers.list()).find((candidate) => candidate.name === input.server);
    if (server === undefined)
      throw invalidField('server', `there is no server named ${input.server ?? ''}`);
    const silence = {
      serverId: server?.id ?? null,
      checkId: input.check ?? null,
      until,
      comment: input.comment,
      createdBy: actor.login,
      createdAt: now,
    };
    const id = await this.silences.insert(silence);
    await this.audit.record({
      actor: actor.login,
      clientIp: actor.clientIp,
      action: 'silence.create',
      target: input.server ?? null,
      detail: {
        id,
        check: silence.checkId,
        until: new Date(until).toISOString(),
        comment: input.comment,
      },
    });
    return toView({ ...silence, id, server: server?.name ?? null });
  }

  async delete(id: number, actor: RequestActor): Promise<void> {
    if (!(await this.silences.delete(id))) throw new NotFoundException(`Silence ${id} not found`);
    await this.audit.record({
      actor: actor.login,
      clientIp: actor.clientIp,
      action: 'silence.delete',
      detail: { id },
    });
  }
}

function toView(silence: SilenceRecord): SilenceView {
  return {
    id: silence.id,
    server: silence.server,
    check: silence.checkId,
    until: new Date(silence.until).toISOString(),
    comment: silence.comment,
    created_by: silence.createdBy,
    created_at: new Date(silence.createdAt).toISOString(),
  };
}

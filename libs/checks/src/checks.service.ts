import { Injectable } from '@nestjs/common';
import { ServersService, type ServerRecord } from '#servers';
import { STATUS_ORDER, worstOf, type CheckResult, type CheckStatus } from './check-result.js';
import { CheckResultsRepository, type StoredEvaluation } from './check-results.repository.js';
import type { FleetEntryView, ServerChecksView } from './dto/checks.dto.js';

/** The routes' view of the checks: always the last stored evaluation, never a live read. */
@Injectable()
export class ChecksService {
  constructor(
    private readonly repository: CheckResultsRepository,
    private readonly servers: ServersService,
  ) {}

  async forServer(server: ServerRecord): Promise<ServerChecksView> {
    const [evaluation] = await this.repository.latest([server.id]);
    return {
      server: server.name,
      checked_at: evaluation ? new Date(evaluation.checkedAt).toISOString() : null,
      checks: evaluation?.results ?? [],
    };
  }

  /** Every server, worst first (then by name). */
  async fleet(): Promise<FleetEntryView[]> {
    const [servers, evaluations] = await Promise.all([
      this.servers.list(),
      this.repository.latest(),
    ]);
    const byServer = new Map(evaluations.map((evaluation) => [evaluation.serverId, evaluation]));
    return servers
      .map((server) => fleetEntry(server, byServer.get(server.id)))
      .sort(
        (a, b) =>
          STATUS_ORDER.indexOf(b.worst as CheckStatus) -
            STATUS_ORDER.indexOf(a.worst as CheckStatus) || a.server.localeCompare(b.server),
      );
  }
}

function fleetEntry(
  server: ServerRecord,
  evaluation: StoredEvaluation | undefined,
): FleetEntryView {
  const results: CheckResult[] = evaluation?.results ?? [];
  const counts = { ok: 0, warning: 0, critical: 0, unknown: 0 };
  for (const result of results) counts[result.status] += 1;
  return {
    server: server.name,
    worst: evaluation ? worstOf(results.map((result) => result.status)) : 'unknown',
    counts,
    failing: results
      .filter((result) => result.status === 'warning' || result.status === 'critical')
      .map((result) => result.id),
    checked_at: evaluation ? new Date(evaluation.checkedAt).toISOString() : null,
  };
}

import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AppConfig } from '#config';
import { SettingsService } from '#settings';
import type { ServerRecord } from '#servers';
import { resolveRange, type DateRange } from './date-range.js';
import type {
  DatabaseHistoryView,
  DatabaseSummaryView,
  ServerHistoryView,
} from './dto/history.dto.js';
import { ExistingDatabasesProbe } from './existing-databases.js';
import { databaseHistoryView, databaseSummaryView, serverHistoryView } from './history-views.js';
import type { HistoryData, HistoryRequest } from './sources/history-source.js';
import { StatsDbHistorySource } from './sources/stats-db.source.js';
import { StoreHistorySource } from './sources/store-history.source.js';

const DAY_MS = 86_400_000;
/** After a stats_db failed, history comes from pgmon's store for this long. */
const STATS_DB_RETRY_MS = 30_000;

/**
 * The three history routes. Data comes from the seed's stats_db when the server has one (and
 * it can be read), otherwise from pgmon's store; only `exists` asks the server itself.
 */
@Injectable()
export class HistoryService {
  private readonly logger = new Logger(HistoryService.name);
  /** Back-off per server config after a stats_db failure: state, not cached values. */
  private readonly statsDbFailedUntil = new Map<string, number>();

  constructor(
    private readonly store: StoreHistorySource,
    private readonly statsDb: StatsDbHistorySource,
    private readonly existing: ExistingDatabasesProbe,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  range(start: string | undefined, end: string | undefined): DateRange {
    return resolveRange(start, end, this.settings.value('history_retention_days'));
  }

  async serverHistory(server: ServerRecord, range: DateRange): Promise<ServerHistoryView> {
    const [data, names] = await Promise.all([
      this.read({ server, range }),
      this.existing.names(server),
    ]);
    return serverHistoryView(data, range, names);
  }

  async databaseHistory(
    server: ServerRecord,
    datname: string,
    range: DateRange,
  ): Promise<DatabaseHistoryView> {
    const [data, names] = await Promise.all([
      this.read({ server, range, datname }),
      this.existing.names(server),
    ]);
    assertKnown(server, datname, data, names);
    return databaseHistoryView(data, range, names, datname);
  }

  async databaseSummary(server: ServerRecord, datname: string): Promise<DatabaseSummaryView> {
    const now = Date.now();
    const range: DateRange = { start: now - DAY_MS, end: now, aggregation: 'raw' };
    const [data, names] = await Promise.all([
      this.read({ server, range, datname }),
      this.existing.names(server),
    ]);
    assertKnown(server, datname, data, names);
    return databaseSummaryView(data, names, datname);
  }

  /**
   * stats_db when configured and readable within the status deadline; pgmon's own history
   * otherwise. A stats_db that failed is not asked again for a while, so a hanging server does
   * not slow every history request down.
   */
  private async read(request: HistoryRequest): Promise<HistoryData> {
    const key = `${request.server.id}@${request.server.generation}`;
    if (!request.server.statsDb || (this.statsDbFailedUntil.get(key) ?? 0) > Date.now()) {
      return this.store.read(request);
    }
    const answer = await this.statsDb.read(request, this.config.targets.statusDeadlineMs);
    if (answer.ok) return answer.value;
    this.statsDbFailedUntil.set(key, Date.now() + STATS_DB_RETRY_MS);
    this.logger.warn(
      `stats_db of ${request.server.name} could not be read (${answer.failure.message}); answering from pgmon's history`,
    );
    return this.store.read(request);
  }
}

/** 404 for a database with no history that the server does not have either (or cannot tell). */
function assertKnown(
  server: ServerRecord,
  datname: string,
  data: HistoryData,
  names: ReadonlySet<string> | null,
): void {
  if (data.lastUpdate !== null || names?.has(datname)) return;
  throw new NotFoundException(`Database ${datname} not found on server ${server.name}`);
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { TaskScheduler, type ServerTask } from '#collector';
import type { ServerRecord } from '#servers';
import { SettingsService } from '#settings';
import { TargetFailedError } from '#target-query';
import { CheckResultsFeed } from './check-results.feed.js';
import { CheckResultsRepository } from './check-results.repository.js';
import { ChecksEvaluator } from './checks-evaluator.js';

/** The collector's `checks` task: every checks_interval seconds (CHECKS_INTERVAL), evaluate and store. */
@Injectable()
export class ChecksTask implements ServerTask, OnModuleInit {
  readonly name = 'checks';

  constructor(
    private readonly scheduler: TaskScheduler,
    private readonly evaluator: ChecksEvaluator,
    private readonly repository: CheckResultsRepository,
    private readonly feed: CheckResultsFeed,
    private readonly settings: SettingsService,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(this);
  }

  intervalMs(): number {
    return this.settings.milliseconds('checks_interval');
  }

  /**
   * Stores the evaluation even when the server could not be read (server_reachable says so)
   * and hands it to the listeners (alerts), then reports that failure to the scheduler so the
   * collector's status shows it too.
   */
  async run(server: ServerRecord): Promise<void> {
    const evaluation = await this.evaluator.evaluate(server);
    await this.repository.save(server.id, evaluation.checkedAt, evaluation.results);
    await this.feed.publish({
      server,
      checkedAt: evaluation.checkedAt,
      results: evaluation.results,
      readable: evaluation.failure === null,
    });
    if (evaluation.failure) throw new TargetFailedError(evaluation.failure);
  }
}

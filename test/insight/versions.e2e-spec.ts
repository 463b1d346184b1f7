/**
 * The version-dependent query-insight checks (version-checks.ts) on every major of the version
 * matrix: pg_stat_statements 1.8 on 13 (total_exec_time, no toplevel, no
 * pg_stat_statements_info), 1.10 on 15, 1.11 on 17 (shared_blk_read_time), and session samples
 * with query_id from 14 on.
 */
import { after, before, describe } from 'node:test';
import { InsightModule } from '#insight';
import { startTestApi, type TestApi } from '../support/api.js';
import { forEachMajor } from '../support/matrix.js';
import { versionChecks } from './version-checks.js';

describe(InsightModule.name, { concurrency: true }, () => {
  // One app for every major: apps started side by side in one process share process.env.
  let api: TestApi;

  before(async () => {
    api = await startTestApi({ COLLECTOR_ENABLED: 'false' });
  });

  after(async () => {
    await api?.close();
  });

  forEachMajor((server) => versionChecks(server, () => api));
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  counterExpressions,
  statementsLevel,
  statementsReadingSql,
  statementTextsSql,
} from './statements-sql.js';

/** What each major version ships: [server_version_num, level, total time, block read time]. */
const VERSIONS: [number, number, string, string][] = [
  [100023, 5, 's.total_time', 's.blk_read_time'],
  [110022, 6, 's.total_time', 's.blk_read_time'],
  [120022, 7, 's.total_time', 's.blk_read_time'],
  [130018, 8, 's.total_exec_time', 's.blk_read_time'],
  [140015, 9, 's.total_exec_time', 's.blk_read_time'],
  [150010, 10, 's.total_exec_time', 's.blk_read_time'],
  [160006, 10, 's.total_exec_time', 's.blk_read_time'],
  [170002, 11, 's.total_exec_time', 's.shared_blk_read_time'],
  [180000, 12, 's.total_exec_time', 's.shared_blk_read_time'],
];

describe(statementsLevel.name, () => {
  for (const [versionNum, level] of VERSIONS) {
    it(`returns ${level} for PostgreSQL ${Math.floor(versionNum / 10000)} with its own extension`, () => {
      assert.equal(statementsLevel(versionNum, `1.${level}`), level);
    });
  }

  it('returns the installed version when the extension was not updated after pg_upgrade', () => {
    assert.equal(statementsLevel(170002, '1.8'), 8);
    assert.equal(statementsLevel(150010, '1.9'), 9);
  });

  it('returns what the server ships when the extension version is unknown or newer', () => {
    assert.equal(statementsLevel(140015, null), 9);
    assert.equal(statementsLevel(130018, '1.12'), 8);
  });
});

describe(counterExpressions.name, () => {
  for (const [versionNum, level, total, blkRead] of VERSIONS) {
    const major = Math.floor(versionNum / 10000);
    it(`returns the columns of PostgreSQL ${major}`, () => {
      const columns = counterExpressions(statementsLevel(versionNum, `1.${level}`));
      assert.equal(columns.exec_time, total);
      assert.equal(columns.blk_read_time, blkRead);
      assert.equal(columns.blk_write_time, blkRead.replace('read', 'write'));
      assert.equal(columns.plan_time, major >= 13 ? 's.total_plan_time' : '0');
      assert.equal(columns.wal_bytes, major >= 13 ? 's.wal_bytes' : '0');
      assert.equal(columns.calls, 's.calls');
    });
  }
});

describe(statementsReadingSql.name, () => {
  const sql = (versionNum: number, level: number, schema = 'public') =>
    statementsReadingSql({ versionNum, level, schema });

  it('returns three statements: stats_reset, the entries without texts, the clock', () => {
    const text = sql(150010, 10);
    const statements = text.split(';\n');
    assert.equal(statements.length, 3);
    assert.match(statements[0] ?? '', /from "public"\.pg_stat_statements_info/);
    assert.match(statements[1] ?? '', /from "public"\.pg_stat_statements\(false\) s/);
    assert.match(statements[2] ?? '', /clock_timestamp\(\).*pg_postmaster_start_time\(\)/s);
    assert.doesNotMatch(text, /s\.query\b/);
  });

  it('reads toplevel and pg_stat_statements_info from PostgreSQL 14 only', () => {
    assert.match(sql(140015, 9), /case when s\.toplevel then 1 else 0 end/);
    assert.doesNotMatch(sql(130018, 8), /toplevel|pg_stat_statements_info/);
    assert.match(sql(130018, 8), /null::float8 as stats_reset/);
  });

  it('reads stats_since from PostgreSQL 17 only', () => {
    assert.match(sql(170002, 11), /s\.stats_since/);
    assert.doesNotMatch(sql(160006, 10), /stats_since/);
  });

  it('quotes the schema the extension lives in', () => {
    assert.match(sql(150010, 10, 'my "ext"'), /from "my ""ext"""\.pg_stat_statements\(false\)/);
    assert.match(
      statementTextsSql({ versionNum: 150010, level: 10, schema: 'ext' }),
      /from "ext"\.pg_stat_statements\(true\)/,
    );
  });
});

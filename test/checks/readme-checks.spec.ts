/** The README's checks table says what the code does: every check, in order, with its defaults. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CATALOG, CHECK_IDS } from '#checks';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** Rows of the table whose header starts with `| id`: [id, direction mark, warning, critical]. */
function checksTable(): [string, boolean, number | null, number | null][] {
  const lines = readFileSync(README, 'utf8').split('\n');
  const start = lines.findIndex((line) => /^\|\s*id\s*\|/.test(line));
  assert.ok(start >= 0, 'a table with an id column');
  const rows: [string, boolean, number | null, number | null][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [, id = '', , warning = '', critical = ''] = line.split('|').map((cell) => cell.trim());
    const level = (cell: string) => (cell === 'none' ? null : Number(cell.split(' ')[0]));
    rows.push([
      id.replace(/`/g, '').replace(/\s*↓$/, ''),
      id.endsWith('↓'),
      level(warning),
      level(critical),
    ]);
  }
  return rows;
}

describe('README checks table', () => {
  it('returns every check in the order answers list them, with its default levels and direction', () => {
    const rows = checksTable();
    assert.deepEqual(
      rows.map(([id]) => id),
      [...CHECK_IDS],
    );
    for (const [id, lowerIsWorse, warning, critical] of rows) {
      const definition = CATALOG[id as keyof typeof CATALOG];
      assert.deepEqual(
        [warning, critical],
        [definition.defaults.warning, definition.defaults.critical],
        id,
      );
      assert.equal(lowerIsWorse, definition.direction === 'below', id);
    }
  });
});

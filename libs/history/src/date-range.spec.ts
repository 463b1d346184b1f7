import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableEntityException } from '@nestjs/common';
import { DEFAULT_RANGE_DAYS, parsePeriodEnd, parseQueryDate, resolveRange } from './date-range.js';

const DAY = 86_400_000;
const utc = (text: string) => Date.parse(text);

/** Asserts that `work` throws a 422 in FastAPI's shape and returns its one issue. */
function issueOf(work: () => unknown): { loc: unknown[]; msg: string; type: string } {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof UnprocessableEntityException, String(error));
    assert.equal(error.getStatus(), 422);
    const body = error.getResponse() as { detail: { loc: unknown[]; msg: string; type: string }[] };
    assert.equal(body.detail.length, 1, JSON.stringify(body));
    const [issue] = body.detail;
    assert.ok(issue);
    assert.equal(typeof issue.msg, 'string');
    assert.ok(issue.msg.length > 0);
    assert.equal(typeof issue.type, 'string');
    return issue;
  }
  assert.fail('expected a 422');
}

describe(parseQueryDate.name, () => {
  it('returns undefined for an absent or empty value', () => {
    assert.equal(parseQueryDate(undefined, 'start_date'), undefined);
    assert.equal(parseQueryDate('', 'start_date'), undefined);
  });

  const valid: [string, string][] = [
    ['2025-06-03T10:00:00Z', '2025-06-03T10:00:00.000Z'],
    ['2025-06-03T10:00:00', '2025-06-03T10:00:00.000Z'],
    ['2025-06-03T10:00', '2025-06-03T10:00:00.000Z'],
    ['2025-06-03 10:00:00', '2025-06-03T10:00:00.000Z'],
    ['2025-06-03', '2025-06-03T00:00:00.000Z'],
    ['2025-06-03T10:00:00+03:00', '2025-06-03T07:00:00.000Z'],
    ['2025-06-03T10:00:00+0300', '2025-06-03T07:00:00.000Z'],
    ['2025-06-03T10:00:00-05:30', '2025-06-03T15:30:00.000Z'],
    ['2025-06-03T01:00:00+03:00', '2025-06-02T22:00:00.000Z'],
    ['2025-06-03T10:00:00.5Z', '2025-06-03T10:00:00.500Z'],
    ['2025-06-03T10:00:00.123456', '2025-06-03T10:00:00.123Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['  2025-06-03T10:00:00Z ', '2025-06-03T10:00:00.000Z'],
  ];
  for (const [text, expected] of valid) {
    it(`returns ${expected} for "${text}"`, () => {
      const ms = parseQueryDate(text, 'start_date');
      assert.equal(typeof ms, 'number');
      assert.equal(new Date(ms ?? NaN).toISOString(), expected);
    });
  }

  it('returns the same instant for a date-time without a zone and with Z (no zone is UTC)', () => {
    assert.equal(
      parseQueryDate('2025-06-03T10:00:00', 'end_date'),
      parseQueryDate('2025-06-03T10:00:00Z', 'end_date'),
    );
  });

  it('throws a 422 located in the body when told so', () => {
    const issue = issueOf(() => parseQueryDate('soon', 'backend_start', 'body'));
    assert.deepEqual(issue.loc, ['body', 'backend_start']);
  });

  const invalid = [
    '2025-13-01',
    '2025-00-10',
    '2025-02-30',
    '2025-02-29',
    '2025-04-31',
    '2025-06-00',
    'yesterday',
    'now',
    '2025-06-03T25:00',
    '2025-06-03T10:60',
    '2025-06-03T10:00:61',
    '03/06/2025',
    '2025-6-3',
    '20250603',
    '2025-06-03T10:00:00+3',
    '2025-06-03T10:00:00 UTC',
    '1717408800000',
    '2025-06-03T10:00:00Z; drop table servers',
  ];
  for (const text of invalid) {
    it(`throws a 422 naming the parameter for "${text}"`, () => {
      for (const parameter of ['start_date', 'end_date']) {
        const issue = issueOf(() => parseQueryDate(text, parameter));
        assert.deepEqual(issue.loc, ['query', parameter]);
        assert.match(issue.msg, new RegExp(`^${parameter} must be an ISO 8601 date`));
      }
    });
  }
});

describe(resolveRange.name, () => {
  const now = utc('2025-06-10T12:34:56.789Z');

  it('returns the last 7 days up to now by default, by hour', () => {
    const range = resolveRange(undefined, undefined, 90, now);
    assert.equal(DEFAULT_RANGE_DAYS, 7);
    assert.deepEqual(range, { start: now - 7 * DAY, end: now, aggregation: 'hour' });
  });

  it('returns 7 days before end_date when only end_date is given', () => {
    const range = resolveRange(undefined, '2025-06-03', 90, now);
    assert.equal(range.end, utc('2025-06-03T00:00:00Z'));
    assert.equal(range.start, utc('2025-05-27T00:00:00Z'));
  });

  it('returns start_date up to now when only start_date is given', () => {
    const range = resolveRange('2025-06-09T12:34:56.789Z', undefined, 90, now);
    assert.deepEqual(range, { start: now - DAY, end: now, aggregation: 'raw' });
  });

  it('returns the aggregation of the period: raw, hour, 4hour, day', () => {
    const end = '2025-06-10T00:00:00Z';
    const of = (start: string) => resolveRange(start, end, 365, now).aggregation;
    assert.equal(of('2025-06-09T00:00:00Z'), 'raw');
    assert.equal(of('2025-06-08T00:00:00Z'), 'raw');
    assert.equal(of('2025-06-07T00:00:00Z'), 'hour');
    assert.equal(of('2025-05-27T00:00:00Z'), 'hour');
    assert.equal(of('2025-05-26T23:59:59Z'), '4hour');
    assert.equal(of('2025-05-11T00:00:00Z'), '4hour');
    assert.equal(of('2025-03-12T00:00:00Z'), '4hour');
    assert.equal(of('2025-03-02T00:00:00Z'), 'day');
  });

  it('accepts an empty period (start equals end)', () => {
    const range = resolveRange('2025-06-03T10:00:00Z', '2025-06-03T10:00:00Z', 90, now);
    assert.equal(range.start, range.end);
  });

  it('throws a 422 on start_date when start_date is after end_date', () => {
    const issue = issueOf(() => resolveRange('2025-06-04', '2025-06-03', 90, now));
    assert.deepEqual(issue.loc, ['query', 'start_date']);
    assert.match(issue.msg, /after end_date/);
  });

  it('throws a 422 on start_date when only start_date is given and it is in the future', () => {
    const issue = issueOf(() => resolveRange('2025-06-11', undefined, 90, now));
    assert.deepEqual(issue.loc, ['query', 'start_date']);
  });

  it('accepts a period exactly as long as the retention and refuses one 1 ms longer', () => {
    const end = utc('2025-06-10T00:00:00Z');
    const ok = resolveRange(new Date(end - 90 * DAY).toISOString(), '2025-06-10', 90, now);
    assert.equal(ok.end - ok.start, 90 * DAY);
    const issue = issueOf(() =>
      resolveRange(new Date(end - 90 * DAY - 1).toISOString(), '2025-06-10', 90, now),
    );
    assert.deepEqual(issue.loc, ['query', 'start_date']);
    assert.match(issue.msg, /90 days/);
    assert.match(issue.msg, /HISTORY_RETENTION_DAYS/);
  });

  it('checks the period against the retention it is given', () => {
    assert.equal(resolveRange('2025-03-01', '2025-06-09', 365, now).aggregation, 'day');
    issueOf(() => resolveRange('2025-06-01', '2025-06-09', 7, now));
  });

  it('returns the default period and names the setting of the limits it is given', () => {
    const limits = {
      retentionDays: 7,
      retentionSetting: 'ACTIVITY_RETENTION_DAYS',
      defaultDays: 1,
    };
    const range = resolveRange(undefined, undefined, limits, now);
    assert.equal(range.end - range.start, DAY);
    assert.equal(range.aggregation, 'raw');
    const issue = issueOf(() => resolveRange('2025-06-01', '2025-06-09', limits, now));
    assert.match(issue.msg, /7 days of history kept \(ACTIVITY_RETENTION_DAYS\)/);
  });

  it('names end_date when end_date is invalid, before looking at start_date', () => {
    const issue = issueOf(() => resolveRange('nonsense', '2025-02-30', 90, now));
    assert.deepEqual(issue.loc, ['query', 'end_date']);
  });

  it('names start_date when only start_date is invalid', () => {
    const issue = issueOf(() => resolveRange('2025-13-01', '2025-06-03', 90, now));
    assert.deepEqual(issue.loc, ['query', 'start_date']);
  });
});

describe(parsePeriodEnd.name, () => {
  it('returns the last millisecond of the day (UTC) for a date alone', () => {
    assert.equal(parsePeriodEnd('2025-06-03', 'date_to'), utc('2025-06-04T00:00:00Z') - 1);
  });

  it('returns the instant itself for a date-time', () => {
    assert.equal(parsePeriodEnd('2025-06-03T10:00:00Z', 'date_to'), utc('2025-06-03T10:00:00Z'));
  });

  it('returns undefined when absent and throws a 422 naming the parameter when invalid', () => {
    assert.equal(parsePeriodEnd(undefined, 'date_to'), undefined);
    assert.deepEqual(issueOf(() => parsePeriodEnd('2025-02-30', 'date_to')).loc, [
      'query',
      'date_to',
    ]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expiresIn, refreshAhead } from './server-status.service.js';
import type { StatusEntry } from './status-entry.js';

function entry(checkedAt: string, responseMs: number): StatusEntry {
  return { checked_at: checkedAt, response_ms: responseMs } as StatusEntry;
}

describe('refreshAhead', () => {
  it('returns the last read duration plus a 1.5 s margin', () => {
    assert.equal(refreshAhead(entry('2025-01-01T00:00:00Z', 20), 5000), 1520);
    assert.equal(refreshAhead(entry('2025-01-01T00:00:00Z', 2000), 5000), 3500);
  });

  it('returns at most 80 % of the TTL, so a slow server is not re-read on every request', () => {
    assert.equal(refreshAhead(entry('2025-01-01T00:00:00Z', 4000), 5000), 4000);
  });

  it('caps the margin at 30 % of the TTL, so a short TTL is not refreshed far ahead', () => {
    assert.equal(refreshAhead(entry('2025-01-01T00:00:00Z', 10), 1000), 310);
  });
});

describe('expiresIn', () => {
  it('returns the TTL counted from the end of the read (start plus duration)', () => {
    const start = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(expiresIn(entry('2025-01-01T00:00:00.000Z', 300), 5000, start + 1300), 4000);
    assert.equal(expiresIn(entry('2025-01-01T00:00:00.000Z', 0), 5000, start), 5000);
  });

  it('returns a negative value for an entry past its TTL', () => {
    const start = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(expiresIn(entry('2025-01-01T00:00:00.000Z', 500), 1000, start + 2000), -500);
  });
});

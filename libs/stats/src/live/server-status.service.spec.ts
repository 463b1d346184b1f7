import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refreshAhead } from './server-status.service.js';
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

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextSlot } from './task-schedule.repository.js';

describe('nextSlot', () => {
  it('returns the slot one interval after a slot claimed on time', () => {
    assert.equal(nextSlot(10_000, 1000, 10_000), 11_000);
    assert.equal(nextSlot(10_000, 1000, 10_999), 11_000);
  });

  it('returns the first slot after now when slots were missed, keeping the grid', () => {
    assert.equal(nextSlot(10_000, 1000, 11_000), 12_000);
    assert.equal(nextSlot(10_000, 1000, 13_500), 14_000);
  });

  it('returns a slot in the future for any interval, even 0', () => {
    assert.ok(nextSlot(10_000, 0, 10_000) > 10_000);
  });
});

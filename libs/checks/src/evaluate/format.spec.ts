import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytes, count, percent, rounded, seconds } from './format.js';

describe('check message formats', () => {
  it('returns seconds with one decimal below 100, whole above', () => {
    assert.equal(seconds(1.234), '1.2 s');
    assert.equal(seconds(99.94), '99.9 s');
    assert.equal(seconds(412.6), '413 s');
  });

  it('returns percents with one decimal, none at 0 and 100', () => {
    assert.equal(percent(0.875), '87.5 %');
    assert.equal(percent(1), '100 %');
    assert.equal(percent(0), '0 %');
  });

  it('returns bytes in binary units', () => {
    assert.equal(bytes(512), '512 bytes');
    assert.equal(bytes(64 * 1024 * 1024), '64.0 MiB');
    assert.equal(bytes(1.5 * 1024 ** 3), '1.5 GiB');
  });

  it('returns rounded values and counted nouns', () => {
    assert.equal(rounded(0.123456), 0.1235);
    assert.equal(rounded(12.34, 1), 12.3);
    assert.equal(count(1, 'session'), '1 session');
    assert.equal(count(3, 'index', 'indexes'), '3 indexes');
  });
});

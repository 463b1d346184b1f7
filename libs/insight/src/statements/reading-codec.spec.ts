import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { decodeReading, encodeReading } from './reading-codec.js';
import { STATEMENT_COUNTERS, type StatementsReading } from './statement-reading.js';

function sample(entries: number): StatementsReading {
  return {
    readAt: 1_750_000_000_123,
    generation: 3,
    level: 11,
    postmasterStart: 1_749_000_000_000,
    statsReset: null,
    dealloc: 12,
    resetDuringRead: false,
    hiddenOwners: ['5/16384'],
    entries: Array.from({ length: entries }, (_, index) => ({
      queryid:
        index % 2 === 0
          ? String(-9_223_372_036_854_775_808n + BigInt(index))
          : String(9_223_372_036_854_775_807n - BigInt(index)),
      dbid: 16_384 + index,
      userid: 10,
      toplevel: (index % 3) as 0 | 1 | 2,
      statsSince: index % 2 === 0 ? null : 1_749_500_000_000 + index,
      counters: STATEMENT_COUNTERS.map((_, counter) => index * 1.5 + counter + 0.123456789),
    })),
  };
}

describe(encodeReading.name, () => {
  it('returns a blob that decodes to the same reading, exactly (64-bit queryids included)', () => {
    const reading = sample(500);
    assert.deepEqual(decodeReading(encodeReading(reading)), reading);
  });

  it('returns a blob for an empty reading', () => {
    assert.deepEqual(decodeReading(encodeReading(sample(0))), sample(0));
  });

  it('returns less than 100 bytes per entry for 5,000 entries', () => {
    const blob = encodeReading(sample(5000));
    assert.ok(blob.length < 5000 * 100, `${blob.length} bytes`);
  });
});

describe(decodeReading.name, () => {
  it('returns undefined for a damaged blob or another format', () => {
    assert.equal(decodeReading(Buffer.from('not deflated at all')), undefined);
    const header = Buffer.from(JSON.stringify({ format: 99, n: 0 }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    assert.equal(decodeReading(deflateRawSync(Buffer.concat([length, header]))), undefined);
  });
});

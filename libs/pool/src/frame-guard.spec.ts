import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameCounter } from './frame-guard.js';

const LIMITS = { maxMessageBytes: 1000, maxResponseBytes: 3000 };

function frame(type: string, bodyBytes: number): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(bodyBytes + 4, 1);
  return Buffer.concat([header, Buffer.alloc(bodyBytes, 0x61)]);
}

/** Feeds `data` in chunks of `size` bytes; returns the first broken limit. */
function feedInChunks(counter: FrameCounter, data: Buffer, size: number): number | undefined {
  for (let offset = 0; offset < data.length; offset += size) {
    const broken = counter.feed(data.subarray(offset, offset + size));
    if (broken !== undefined) return broken;
  }
  return undefined;
}

describe(FrameCounter.name, () => {
  it('returns undefined for messages within the limits, whatever the chunking', () => {
    const data = Buffer.concat([frame('D', 500), frame('D', 995), frame('Z', 1)]);
    for (const size of [1, 2, 5, 7, 64, data.length]) {
      assert.equal(
        feedInChunks(new FrameCounter(LIMITS), data, size),
        undefined,
        `chunks of ${size}`,
      );
    }
  });

  it('returns the message limit as soon as a header announces more, before its body', () => {
    const counter = new FrameCounter(LIMITS);
    assert.equal(counter.feed(frame('D', 997).subarray(0, 5)), 1000);
  });

  it('returns the message limit for a header split over two chunks', () => {
    const counter = new FrameCounter(LIMITS);
    const header = frame('E', 2000).subarray(0, 5);
    assert.equal(counter.feed(header.subarray(0, 3)), undefined);
    assert.equal(counter.feed(header.subarray(3)), 1000);
  });

  it('returns the answer limit when many small messages add up past it', () => {
    const rows = Buffer.concat(Array.from({ length: 10 }, () => frame('D', 400)));
    assert.equal(feedInChunks(new FrameCounter(LIMITS), rows, 100), 3000);
  });

  it('starts counting anew after ReadyForQuery', () => {
    const answer = Buffer.concat([frame('D', 900), frame('D', 900), frame('Z', 1)]);
    const counter = new FrameCounter(LIMITS);
    for (let i = 0; i < 10; i++) assert.equal(counter.feed(answer), undefined, `answer ${i}`);
  });
});

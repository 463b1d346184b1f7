import type { Duplex } from 'node:stream';

/** Limits on what a monitored server may send pgmon (see README, "Hostile targets"). */
export interface FrameLimits {
  /** Largest single protocol message (a row, an error, a notice). */
  maxMessageBytes: number;
  /** Largest answer to one statement: bytes between two ReadyForQuery messages. */
  maxResponseBytes: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  maxMessageBytes: 16 * MIB,
  maxResponseBytes: 32 * MIB,
};

/** A seed stats_db's raw history over a long period is far larger than any status answer. */
export const STATS_DB_FRAME_LIMITS: FrameLimits = {
  maxMessageBytes: 16 * MIB,
  maxResponseBytes: 512 * MIB,
};

/** The server sent more than pgmon accepts; the connection was cut. */
export class ResponseTooLargeError extends Error {
  readonly code = 'PGMON_RESPONSE_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`the server sent more than ${limitBytes} bytes`);
  }
}

/**
 * Follows the framing of the backend protocol (1 byte type, 4 bytes length including itself)
 * and tracks one message header at a time: O(1) memory, a few operations per message.
 */
export class FrameCounter {
  private header = Buffer.alloc(5);
  private headerFilled = 0;
  /** Body bytes still to come of the current message. */
  private remaining = 0;
  private responseBytes = 0;

  constructor(private readonly limits: FrameLimits) {}

  /** Returns the broken limit, or undefined while the server stays within bounds. */
  feed(chunk: Buffer): number | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= take;
        offset += take;
        continue;
      }
      const take = Math.min(5 - this.headerFilled, chunk.length - offset);
      chunk.copy(this.header, this.headerFilled, offset, offset + take);
      this.headerFilled += take;
      offset += take;
      if (this.headerFilled < 5) break;
      const broken = this.startMessage();
      if (broken !== undefined) return broken;
    }
    return undefined;
  }

  private startMessage(): number | undefined {
    this.headerFilled = 0;
    const type = this.header[0];
    const length = this.header.readUInt32BE(1);
    if (length > this.limits.maxMessageBytes) return this.limits.maxMessageBytes;
    this.responseBytes += length + 1;
    if (this.responseBytes > this.limits.maxResponseBytes) return this.limits.maxResponseBytes;
    // ReadyForQuery ('Z') ends an answer.
    if (type === 0x5a) this.responseBytes = 0;
    this.remaining = Math.max(0, length - 4);
    return undefined;
  }
}

/**
 * Destroys `stream` as soon as the server announces a message over the limit, or sends more
 * than the limit in one answer. Must be attached before the protocol parser's listener, so the
 * parser never buffers more than one chunk past the limit.
 */
export function guardFrames(stream: Duplex, limits: FrameLimits): void {
  const counter = new FrameCounter(limits);
  const onData = (chunk: Buffer): void => {
    const broken = counter.feed(chunk);
    if (broken === undefined) return;
    stream.off('data', onData);
    stream.destroy(new ResponseTooLargeError(broken));
  };
  stream.on('data', onData);
}

/**
 * Checks on what the API sends back: the issues of a 422, timestamps, fields that must never
 * be returned, and a recorder of every response body an app sends (server-side, so errors and
 * 500s are covered too).
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Response } from 'supertest';
import type { TestApi } from './api.js';

/** One entry of a 422's `detail`. */
export interface Issue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * The issue locations of a 422, e.g. ['body.port']; with `typed`, also checks that every
 * issue has a string msg and type.
 */
export function issueLocations(response: Response, { typed = false } = {}): string[] {
  assert.equal(response.status, 422, response.text);
  const detail = (response.body as { detail: Issue[] }).detail;
  assert.ok(Array.isArray(detail), `detail is a list: ${response.text}`);
  if (typed) {
    for (const issue of detail) {
      assert.equal(typeof issue.msg, 'string');
      assert.equal(typeof issue.type, 'string');
    }
  }
  return detail.map((issue) => issue.loc.join('.'));
}

export function isIsoTimestamp(text: unknown): boolean {
  return typeof text === 'string' && new Date(text).toISOString() === text;
}

/** Fails when any key, at any depth of `value`, matches `forbidden` (e.g. a password field). */
export function assertNoKeysMatching(value: unknown, forbidden: RegExp, path = 'body'): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoKeysMatching(item, forbidden, `${path}[${index}]`));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    assert.doesNotMatch(key, forbidden, `${path}.${key} must not be returned`);
    assertNoKeysMatching(item, forbidden, `${path}.${key}`);
  }
}

/** Fails when `text` contains one of the needles (naming only its first characters). */
export function assertNoSecretIn(text: string, needles: string[], where: string): void {
  for (const needle of needles) {
    assert.ok(!text.includes(needle), `${where} contains a secret (${needle.slice(0, 4)}...)`);
  }
}

export interface RecordedBody {
  request: string;
  status: number;
  body: string;
}

/** Records every response body the attached apps send, server-side (errors and 500s included). */
export class ResponseRecorder {
  readonly bodies: RecordedBody[] = [];

  attach(api: TestApi): void {
    const server: Server = api.app.getHttpServer();
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      const keep = (chunk: unknown): void => {
        if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
        else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      const write = response.write.bind(response) as (...args: unknown[]) => boolean;
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.write = ((chunk: unknown, ...rest: unknown[]) => {
        keep(chunk);
        return write(chunk, ...rest);
      }) as ServerResponse['write'];
      response.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk !== 'function') keep(chunk);
        return end(chunk, ...rest);
      }) as ServerResponse['end'];
      response.on('finish', () => {
        this.bodies.push({
          request: `${request.method} ${request.url}`,
          status: response.statusCode,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
  }

  /** Fails when any recorded body holds one of the needles; returns how many were checked. */
  assertNoSecrets(needles: string[]): number {
    for (const recorded of this.bodies) {
      assertNoSecretIn(recorded.body, needles, `${recorded.request} (${recorded.status})`);
    }
    return this.bodies.length;
  }
}

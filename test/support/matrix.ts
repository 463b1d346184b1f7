/**
 * The version matrix for test files: the real servers of each PostgreSQL major tested live
 * (13 and 17 in containers, 15 the host's `main` cluster; see matrix-servers.ts). A test whose
 * behaviour could differ by version runs once per major:
 *
 *   describe('ServersController', { concurrency: true }, () => {
 *     forEachMajor((pg) => {
 *       describe('GET /servers', () => { it('returns ...', async () => { ... pg.port ... }) });
 *     });
 *   });
 *
 * The majors run side by side when the enclosing describe has `concurrency: true`; the tests of
 * one major run in order. A major this run lacks still shows: a skipped test with the reason, or a failing one when it
 * must be there (PGMON_REQUIRE_DOCKER=1, or its container failed to start), so the matrix never
 * shrinks silently.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTargets, type MatrixServer, type MissingMajor } from './targets-info.js';

/** The servers this run has, one per major, ascending. */
export function matrixServers(): MatrixServer[] {
  return readTargets().matrix.servers;
}

/** `describe('PostgreSQL <major>')` per major of the matrix, its body given that major's server. */
export function forEachMajor(body: (server: MatrixServer) => void): void {
  const { matrix } = readTargets();
  for (const major of matrix.majors) {
    const server = matrix.servers.find((candidate) => candidate.major === major);
    describe(`PostgreSQL ${major}`, { concurrency: 1 }, () => {
      if (server) body(server);
      else
        absent(
          matrix.missing.find((entry) => entry.major === major),
          matrix.required,
        );
    });
  }
}

function absent(missing: MissingMajor | undefined, required: boolean): void {
  const reason = missing?.reason ?? 'no server for this major';
  if (missing?.failed || required) {
    it('has a server', () => assert.fail(reason));
  } else {
    it('has a server', { skip: reason }, () => undefined);
  }
}

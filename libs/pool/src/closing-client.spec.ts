import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { ClosingClient } from './closing-client.js';

describe(ClosingClient.name, () => {
  it('overrides the handler pg binds to AuthenticationCleartextPassword (pg internals unchanged)', () => {
    const internals = pg.Client.prototype as unknown as Record<string, unknown>;
    assert.equal(typeof internals._handleAuthCleartextPassword, 'function');
    const connect = String(internals._attachListeners);
    assert.match(
      connect,
      /'authenticationCleartextPassword', this\._handleAuthCleartextPassword\.bind\(this\)/,
    );
    const own = ClosingClient.prototype as unknown as Record<string, unknown>;
    assert.notEqual(own._handleAuthCleartextPassword, internals._handleAuthCleartextPassword);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionOf, eventTypeOf } from './upstream-events.js';

describe(eventTypeOf.name, () => {
  it('returns the upstream names of logins, refreshes and logouts by outcome', () => {
    assert.equal(eventTypeOf('auth.login', 'success'), 'login_success');
    assert.equal(eventTypeOf('auth.login', 'failed'), 'login_failed');
    assert.equal(eventTypeOf('auth.refresh', 'success'), 'refresh');
    assert.equal(eventTypeOf('auth.refresh', 'refused'), 'refresh_refused');
    assert.equal(eventTypeOf('auth.logout', 'success'), 'logout');
  });

  it('returns other actions with their first dot as an underscore', () => {
    assert.equal(eventTypeOf('user.create', 'success'), 'user_create');
    assert.equal(eventTypeOf('ssh_key.delete', 'success'), 'ssh_key_delete');
    assert.equal(eventTypeOf('settings.update', 'success'), 'settings_update');
    assert.equal(eventTypeOf('session.terminate', 'refused'), 'session_terminate');
  });
});

describe(actionOf.name, () => {
  it('returns the action and outcome of a session event type', () => {
    assert.deepEqual(actionOf('login_failed'), { action: 'auth.login', outcome: 'failed' });
    assert.deepEqual(actionOf('logout'), { action: 'auth.logout', outcome: 'success' });
  });

  it('returns the action of every other event type, the inverse of eventTypeOf', () => {
    for (const action of ['user.update', 'server.delete', 'ssh_key.create', 'settings.update']) {
      assert.deepEqual(actionOf(eventTypeOf(action, 'success')), { action });
    }
  });

  it('returns an event type without an underscore as is (it matches no action)', () => {
    assert.deepEqual(actionOf('nothing'), { action: 'nothing' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED } from '#logging';
import { describeRequest, safeUrl, type RequestWithId } from './request-log.middleware.js';

function query(url: string): URLSearchParams {
  return new URLSearchParams(url.slice(url.indexOf('?') + 1));
}

describe(safeUrl.name, () => {
  it('returns a URL without a query unchanged', () => {
    assert.equal(safeUrl('/api/servers/1/status'), '/api/servers/1/status');
  });

  it('returns secret-looking query values masked and the others kept', () => {
    const url = safeUrl(
      '/api/x?token=t0k&page=2&password=pw&api_key=k&client_secret=s&auth=a&name=db%201',
    );
    assert.ok(url.startsWith('/api/x?'), url);
    for (const secret of ['t0k', 'pw', '=k', '=s', '=a']) assert.ok(!url.includes(secret), url);
    const params = query(url);
    for (const name of ['token', 'password', 'api_key', 'client_secret', 'auth']) {
      assert.equal(params.get(name), REDACTED, name);
    }
    assert.equal(params.get('page'), '2');
    assert.equal(params.get('name'), 'db 1');
  });

  it('returns every value of a repeated secret parameter masked', () => {
    const url = safeUrl('/x?Token=first&token=second');
    assert.ok(!url.includes('first') && !url.includes('second'), url);
  });
});

describe(describeRequest.name, () => {
  it('returns method, safe URL, status, duration, user, ip and request id', () => {
    const request = {
      method: 'GET',
      originalUrl: '/api/servers?token=abc',
      ip: '127.0.0.1',
      requestId: 'req-1',
      user: { login: 'alice', role: 'admin' },
    } as unknown as RequestWithId;
    assert.equal(
      describeRequest(request, 200, 12.345),
      `GET /api/servers?token=${encodeURIComponent(REDACTED)} 200 12.3ms user=alice ip=127.0.0.1 id=req-1`,
    );
  });

  it('returns dashes for an anonymous request without ip or id', () => {
    const request = { method: 'POST', originalUrl: '/token' } as unknown as RequestWithId;
    assert.equal(describeRequest(request, 401, 3), 'POST /token 401 3.0ms user=- ip=- id=-');
  });
});

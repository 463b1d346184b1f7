import { createHmac, randomUUID } from 'node:crypto';

function encode(part: object): string {
  return Buffer.from(JSON.stringify(part)).toString('base64url');
}

/** An HS256 JWT signed with `key`: to forge tokens with the wrong key or wrong claims. */
export function signHs256(claims: Record<string, unknown>, key: string): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iat: now, exp: now + 600, jti: randomUUID(), ...claims })}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** An unsigned token (`alg: none`), which must never be accepted. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iat: now, exp: now + 600, ...claims })}.`;
}

/** Decodes a JWT's payload without verifying it. */
export function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

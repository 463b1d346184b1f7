import { createHmac, randomUUID } from 'node:crypto';

export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

const HASH_BY_ALGORITHM: Record<HmacAlgorithm, string> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
};

function encode(part: object): string {
  return Buffer.from(JSON.stringify(part)).toString('base64url');
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * An HMAC-signed JWT (HS256 unless `algorithm` says otherwise) with `iat`, `exp` (+10 min) and
 * `jti` filled in unless `claims` sets them: to forge tokens with a wrong key, a wrong algorithm
 * or chosen claims.
 */
export function signJwt(
  claims: Record<string, unknown>,
  key: string,
  algorithm: HmacAlgorithm = 'HS256',
): string {
  const issuedAt = now();
  const body = `${encode({ alg: algorithm, typ: 'JWT' })}.${encode({ iat: issuedAt, exp: issuedAt + 600, jti: randomUUID(), ...claims })}`;
  const signature = createHmac(HASH_BY_ALGORITHM[algorithm], key).update(body).digest('base64url');
  return `${body}.${signature}`;
}

/** An HS256 JWT signed with `key`: to forge tokens with the wrong key or wrong claims. */
export function signHs256(claims: Record<string, unknown>, key: string): string {
  return signJwt(claims, key, 'HS256');
}

/** A correctly signed HS256 token that expired an hour ago (issued two hours ago). */
export function expiredToken(claims: Record<string, unknown>, key: string): string {
  const issuedAt = now() - 7200;
  return signJwt({ iat: issuedAt, exp: issuedAt + 3600, ...claims }, key);
}

/** An unsigned token (`alg: none`), which must never be accepted. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const issuedAt = now();
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iat: issuedAt, exp: issuedAt + 600, ...claims })}.`;
}

function decodePart(token: string, index: number): Record<string, unknown> {
  const part = token.split('.')[index] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Decodes a JWT's payload without verifying it. */
export function decodeClaims(token: string): Record<string, unknown> {
  return decodePart(token, 1);
}

/** Decodes a JWT's header (`alg`, `typ`) without verifying it. */
export function decodeHeader(token: string): Record<string, unknown> {
  return decodePart(token, 0);
}

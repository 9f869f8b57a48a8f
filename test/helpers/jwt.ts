// HS256 JSON Web Tokens for tests, signed with node:crypto: the kind Pulsar's AuthenticationProviderToken
// validates with `tokenSecretKey`. Tests mint their own keys and tokens at run time; none are committed.
import { createHmac, randomBytes } from 'node:crypto';

export interface JwtClaims {
  /** The role Pulsar authenticates the client as. */
  readonly sub: string;
  /** Expiry, seconds since the epoch (absent: never expires). */
  readonly exp?: number;
  readonly iat?: number;
}

/** A random 256-bit HMAC key (raw bytes, as Pulsar reads it from `tokenSecretKey=file:///...`). */
export function newSecretKey(): Buffer {
  return randomBytes(32);
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Compact JWS `header.payload.signature` with alg HS256. */
export function signJwt(claims: JwtClaims, key: Buffer): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** A token for `sub` that expires `seconds` from now (negative: already expired). */
export function tokenExpiringIn(sub: string, seconds: number, key: Buffer): { token: string; exp: number } {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + seconds;
  return { token: signJwt({ sub, iat: Math.min(now, exp), exp }, key), exp };
}

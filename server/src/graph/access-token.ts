import { createHmac, timingSafeEqual } from 'node:crypto';
import { checkJsonBytes } from '../json-guard';
import { GraphError } from './errors';

/** How requests are authenticated. */
export const AUTH_MODES = ['bearer', 'jwt', 'off'] as const;
/** `bearer`: any non-empty token; `jwt`: a JWT with the right permissions; `off`: no check. */
export type AuthMode = (typeof AUTH_MODES)[number];
/** Guards a string read from flags, env or options. */
export function isAuthMode(value: unknown): value is AuthMode {
  return (AUTH_MODES as readonly unknown[]).includes(value);
}

/** The claims mockgraph reads from a Microsoft identity platform access token. */
export interface AccessTokenClaims {
  /** Delegated permissions, space-separated. */
  scp?: string;
  /** Application permissions. */
  roles?: string[];
  tid?: string;
  appid?: string;
  azp?: string;
  oid?: string;
  exp?: number;
  nbf?: number;
  [claim: string]: unknown;
}

/** The tenant id of personal Microsoft accounts. @see https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference */
export const PERSONAL_ACCOUNT_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

const invalid = (why: string) => new GraphError('InvalidAuthenticationToken', `Access token validation failure. ${why}`);

/** True for canonical unpadded base64url: only its alphabet, and the text re-encodes to itself. @see RFC 7515 §2 */
function isCanonicalBase64url(segment: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(segment) && segment.length % 4 !== 1 && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  if (!isCanonicalBase64url(segment)) throw invalid(`The token's ${what} is not canonical base64url.`);
  const bytes = Buffer.from(segment, 'base64url');
  try {
    // JSON.parse keeps the last of two equal keys; a claim given twice is ambiguous, so it is refused. @see RFC 7515 §5.2
    checkJsonBytes(bytes);
  } catch {
    throw invalid(`The token's ${what} is not valid JSON, or has a member more than once.`);
  }
  try {
    const value = JSON.parse(bytes.toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw invalid(`The token's ${what} is not base64url-encoded JSON.`);
}

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/**
 * Decodes a JWT access token and checks its lifetime; with a secret, only HS256 tokens with a valid signature
 * pass (`alg: none` and every other algorithm are refused). Throws 401 GraphErrors.
 */
export function readAccessToken(token: string, options: { secret?: string; now: Date }): AccessTokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('The token is not a JWT (expected three dot-separated parts).');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeSegment(headerPart, 'header');
  const claims = decodeSegment(payloadPart, 'payload') as AccessTokenClaims;
  // No JWS extension is understood, so a token that marks one critical is refused. @see RFC 7515 §4.1.11
  if (header.crit !== undefined) throw invalid('The token names critical header extensions (crit), which this server does not understand.');
  if (options.secret !== undefined) {
    if (header.alg !== 'HS256') throw invalid(`The token's algorithm '${String(header.alg)}' is not accepted; this server verifies HS256 signatures.`);
    const expected = sign(`${headerPart}.${payloadPart}`, options.secret);
    // A lenient decoder maps many texts to one signature; only the canonical encoding is accepted.
    if (!isCanonicalBase64url(signaturePart)) throw invalid('The token signature is not canonical base64url.');
    const actual = Buffer.from(signaturePart, 'base64url');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw invalid('The token signature is invalid.');
  }
  const nowSeconds = options.now.getTime() / 1000;
  if (claims.exp === undefined) throw invalid('The token has no expiry (exp); access tokens must expire.');
  if (!isNumericDate(claims.exp)) throw invalid('The token\'s exp claim is not a number of seconds.');
  if (claims.nbf !== undefined && !isNumericDate(claims.nbf)) throw invalid('The token\'s nbf claim is not a number of seconds.');
  if (claims.exp <= nowSeconds) throw new GraphError('InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
  if (claims.nbf !== undefined && claims.nbf > nowSeconds) throw invalid('The token is not valid yet (nbf is in the future).');
  return claims;
}

/** A JWT NumericDate: a finite number of seconds. @see RFC 7519 §2 */
function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Every permission a token grants: its delegated scopes and its application roles. */
export function grantedPermissions(claims: AccessTokenClaims): Set<string> {
  const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [];
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  return new Set([...scopes, ...roles]);
}

/** 403 unless the token grants one of `anyOf`, and it is not a personal account's. */
export function assertPermission(claims: AccessTokenClaims, anyOf: readonly string[], operation: string): void {
  if (typeof claims.tid === 'string' && claims.tid.toLowerCase() === PERSONAL_ACCOUNT_TENANT) {
    throw new GraphError('Forbidden', 'This API is not supported for personal Microsoft accounts (the page lists "Delegated (personal Microsoft account): Not supported").');
  }
  const granted = grantedPermissions(claims);
  // An entry `A+B` is a page's "A and B": both are needed.
  if (anyOf.length > 0 && !anyOf.some((p) => p.split('+').every((part) => granted.has(part)))) {
    throw new GraphError('Forbidden', `Missing permission: ${operation} requires one of ${anyOf.map((p) => p.split('+').join(' and ')).join(', ')} (as a delegated scope in scp or an application role in roles).`);
  }
}

/** Mints a token for tests and local work: HS256 when a secret is given, else unsigned (`alg: none`). */
export function mintAccessToken(claims: AccessTokenClaims, secret?: string): string {
  const encode = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${encode({ typ: 'JWT', alg: secret === undefined ? 'none' : 'HS256' })}.${encode(claims)}`;
  return `${head}.${secret === undefined ? '' : sign(head, secret).toString('base64url')}`;
}

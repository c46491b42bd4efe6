import { createHmac, timingSafeEqual } from 'node:crypto';

/** `payload.signature`: the payload (URL-safe text) with its HMAC-SHA256 under `secret`, base64url. */
export function signToken(secret: string | Buffer, payload: string): string {
  return `${payload}.${signatureOf(secret, payload)}`;
}

/** The payload of a token signed with `secret`, or undefined for any other text (altered, foreign, malformed). */
export function verifiedPayload(secret: string | Buffer, token: string): string | undefined {
  const [payload = '', signature = '', extra] = token.split('.');
  if (extra !== undefined || payload === '') return undefined;
  const expected = Buffer.from(signatureOf(secret, payload));
  const actual = Buffer.from(signature);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? payload : undefined;
}

function signatureOf(secret: string | Buffer, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

import { cutUtf8, jsonBodyForLog, MAX_LOGGED_BODY_BYTES, MAX_LOGGED_HEADER_BYTES, redactUrl, requestHeadersForLog, responseHeadersForLog, textBodyForLog } from './log-redaction';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('what the request log keeps of a body', () => {
  test('a JSON body is serialized as JSON.stringify would, with credential properties and credential-looking strings REDACTED', () => {
    const body = { displayName: 'x', passwordProfile: { password: 'p@ss' }, nested: [{ client_secret: 's3', refreshToken: 't', apiKey: 'k' }], note: `Bearer ${JWT}`, jwt: JWT, link: 'https://example.test/cb?code=abc&$top=2', n: 1, ok: true, none: null };
    const logged = jsonBodyForLog(body, 999);
    expect(logged).toEqual({ bytes: 999, truncated: false, text: expect.any(String) });
    expect(JSON.parse(logged.text)).toEqual({ displayName: 'x', passwordProfile: 'REDACTED', nested: [{ client_secret: 'REDACTED', refreshToken: 'REDACTED', apiKey: 'REDACTED' }], note: 'REDACTED', jwt: 'REDACTED', link: 'https://example.test/cb?code=REDACTED&$top=2', n: 1, ok: true, none: null });
    expect(jsonBodyForLog({ a: [1, undefined, 'b'], skipped: undefined }, 1).text).toBe(JSON.stringify({ a: [1, undefined, 'b'], skipped: undefined }));
  });

  test('a body over the bound is cut at MAX_LOGGED_BODY_BYTES UTF-8 bytes, never inside a character, and says so', () => {
    const big = { value: Array.from({ length: 2000 }, (_, i) => ({ id: `item-${i}`, name: 'é€😀'.repeat(5) })) };
    const bytes = Buffer.byteLength(JSON.stringify(big));
    const logged = jsonBodyForLog(big, bytes);
    expect(logged.truncated).toBe(true);
    expect(logged.bytes).toBe(bytes);
    expect(Buffer.byteLength(logged.text)).toBeLessThanOrEqual(MAX_LOGGED_BODY_BYTES);
    expect(Buffer.byteLength(logged.text)).toBeGreaterThan(MAX_LOGGED_BODY_BYTES - 4);
    expect(logged.text).not.toContain('\uFFFD');
    expect(JSON.stringify(big).startsWith(logged.text)).toBe(true);
    // One huge string costs no more than the bound either.
    expect(Buffer.byteLength(jsonBodyForLog({ s: 'x'.repeat(5_000_000) }, 5_000_008).text)).toBe(MAX_LOGGED_BODY_BYTES);
  });

  test('a body that is not valid JSON keeps its first bytes, with credential pairs, JWTs and bearer values REDACTED', () => {
    const raw = Buffer.from(`{"displayName": "x", "password": "hunter2", "profile": {"clientSecret": 42}, "auth": "Bearer abc.def", "t": "${JWT}", broken`);
    const logged = textBodyForLog(raw, raw.length);
    expect(logged.truncated).toBe(false);
    expect(logged.text).toBe('{"displayName": "x", "password": "REDACTED", "profile": {"clientSecret": "REDACTED"}, "auth": "Bearer REDACTED", "t": "REDACTED", broken');
    // A value cut by the bound is still redacted: no closing quote is needed.
    const cut = textBodyForLog(Buffer.from(`{"token": "${'s'.repeat(MAX_LOGGED_BODY_BYTES * 2)}"}`), MAX_LOGGED_BODY_BYTES * 2 + 14);
    expect([cut.truncated, cut.text]).toEqual([true, '{"token": "REDACTED"']);
    const long = textBodyForLog(Buffer.from('a'.repeat(MAX_LOGGED_BODY_BYTES + 100)), MAX_LOGGED_BODY_BYTES + 100);
    expect([long.truncated, long.text.length]).toEqual([true, MAX_LOGGED_BODY_BYTES]);
  });

  test('cutUtf8 leaves short text alone and cuts long text at a character boundary', () => {
    expect(cutUtf8('abc', 3)).toBe('abc');
    expect(cutUtf8('aé', 2)).toBe('a');
    expect(cutUtf8('a😀b', 4)).toBe('a');
    expect(cutUtf8('a😀b', 5)).toBe('a😀');
  });
});

describe('what the request log keeps of headers', () => {
  test('Authorization, Proxy-Authorization and Cookie are never kept; unknown headers keep their names only; Referer is redacted as a URL', () => {
    const logged = requestHeadersForLog(['Host', 'localhost:4000', 'authorization', 'Bearer secret-1', 'Proxy-Authorization', 'Basic secret-2', 'Cookie', 'sid=secret-3', 'X-Api-Key', 'secret-4', 'Content-Type', 'application/json', 'Referer', 'http://app.test/cb?code=secret-5&$top=1', 'client-request-id', 'c-1']);
    expect(logged).toEqual({
      cut: false,
      fields: [
        ['Host', 'localhost:4000'],
        ['X-Api-Key', 'REDACTED'],
        ['Content-Type', 'application/json'],
        ['Referer', 'http://app.test/cb?code=REDACTED&$top=1'],
        ['client-request-id', 'c-1'],
      ],
    });
    expect(responseHeadersForLog([['Set-Cookie', 'a=b'], ['request-id', 'r']])).toEqual({ cut: false, fields: [['request-id', 'r']] });
  });

  test('a long value is cut, and fields past MAX_LOGGED_HEADER_BYTES are left out and flagged', () => {
    const long = requestHeadersForLog(['User-Agent', 'u'.repeat(5000)]);
    expect(long.fields[0]?.[1]).toBe(`${'u'.repeat(1024)}…`);
    const many = requestHeadersForLog(Array.from({ length: 100 }, (_, i) => [`Accept`, `type/${i}-${'x'.repeat(200)}`]).flat());
    expect(many.cut).toBe(true);
    expect(many.fields.reduce((n, [k, v]) => n + k.length + v.length, 0)).toBeLessThanOrEqual(MAX_LOGGED_HEADER_BYTES);
  });

  test('redactUrl keeps OData system query options and redacts every other value', () => {
    expect(redactUrl('/beta/x?$skiptoken=abc&access_token=t&%24top=1')).toBe('/beta/x?$skiptoken=abc&access_token=REDACTED&%24top=1');
  });
});

describe('the bound counts bytes, not characters', () => {
  test('text within the bound in characters but over it in UTF-8 bytes is cut and flagged', () => {
    const logged = jsonBodyForLog({ s: 'é'.repeat(MAX_LOGGED_BODY_BYTES / 2) }, 1);
    expect(logged.truncated).toBe(true);
    expect(Buffer.byteLength(logged.text)).toBeLessThanOrEqual(MAX_LOGGED_BODY_BYTES);
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import request from 'supertest';
import { createMockServer } from '../src/index';
import { AUTH, COLLECTION, docExampleBody, graphErrorProblems, TEST_ORIGIN, testApp } from './helpers';

/** One server for the whole suite: each case must leave it serving, with nothing stored changed. */
let server: Server;
let base: string;

beforeAll(async () => {
  server = createMockServer(testApp({ validation: 'metadata', seed: [{ ...docExampleBody(), id: 'kept' }] }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function stored(): Promise<unknown> {
  return (await request(base).get(COLLECTION).set(AUTH)).body;
}

/** Sends a raw body, then checks: a Graph error with the status, nothing stored changed, still serving. */
async function expectRefused(send: () => Promise<request.Response>, status: number, message: string | RegExp) {
  const before = await stored();
  const res = await send();
  expect(res.status).toBe(status);
  expect(graphErrorProblems(res.body)).toEqual([]);
  expect(res.body.error.message).toMatch(message);
  expect(await stored()).toEqual(before);
  expect((await request(base).get(`${COLLECTION}/kept`).set(AUTH)).status).toBe(200);
}

const post = (body: string | Buffer, type = 'application/json') => request(base).post(COLLECTION).set(AUTH).set('Content-Type', type).send(body);

describe('bad input gets a Graph error, never a crash, and changes nothing', () => {
  test('malformed JSON', () => expectRefused(() => post('{"azureTenantId": '), 400, /Unable to read JSON request payload/));

  test('an empty body on POST', () => expectRefused(() => post(''), 400, /The request body is empty/));

  test('a body over the limit is 413 (the limit is configurable)', () => expectRefused(() => post(JSON.stringify({ azureTenantId: 't', note: 'x'.repeat(1024 * 1024) })), 413, /larger than the limit/));

  test('a string of several megabytes under a raised limit is stored and read back whole', async () => {
    const big = testApp({ validation: 'metadata', bodyLimitBytes: 8 * 1024 * 1024 });
    const note = 'é'.repeat(3 * 1024 * 1024);
    const res = await request(big).post(COLLECTION).set(AUTH).send({ azureTenantId: 't', note });
    expect(res.status).toBe(201);
    expect((await request(big).get(`${COLLECTION}/${res.body.id}`).set(AUTH)).body.note).toBe(note);
  });

  test('nesting deeper than the limit', () => expectRefused(() => post(`{"azureTenantId":"t","deep":${'['.repeat(5000)}${']'.repeat(5000)}}`), 400, /nested deeper than 32 levels/));

  test('100,000 levels of nesting are refused as fast, without recursing', () => expectRefused(() => post('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)), 400, /nested deeper than 32 levels/));

  test('__proto__, constructor and prototype keys pollute nothing', async () => {
    const res = await post('{"azureTenantId":"t","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}');
    expect(res.status).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const read = await request(base).get(`${COLLECTION}/${res.body.id}`).set(AUTH);
    expect(read.body.polluted).toBeUndefined();
    expect(JSON.parse(read.text).__proto__).toEqual({ polluted: true });
    await request(base).delete(`${COLLECTION}/${res.body.id}`).set(AUTH);
  });

  test('invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"azureTenantId":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    // fetch sends the bytes as they are (superagent would re-encode a Buffer as JSON).
    const raw = () => fetch(base + COLLECTION, { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: bytes }).then(async (r) => ({ status: r.status, body: await r.json() }) as request.Response);
    await expectRefused(raw, 400, /not valid UTF-8/);
  });

  test.each([
    ['a number outside Int32', '{"azureTenantId":"t","countHits":2147483648}', /countHits: expected Int32 or null within -2147483648\.\.2147483647, got 2147483648/],
    ['1e400 (Infinity once parsed)', '{"azureTenantId":"t","countHits":1e400}', /countHits: expected Int32 or null, got number/],
    ['a fraction where Int64 is declared', '{"azureTenantId":"t","ipReferenceData":[{"asn":1.5}]}', /asn: expected Int64 or null, got number/],
  ])('%s', (_name, body, message) => expectRefused(() => post(body), 400, message));

  test('-0 is the integer 0', async () => {
    const res = await post('{"azureTenantId":"t","countHits":-0}');
    expect([res.status, res.body.countHits]).toEqual([201, 0]);
    await request(base).delete(`${COLLECTION}/${res.body.id}`).set(AUTH);
  });

  test('duplicate keys', () => expectRefused(() => post('{"azureTenantId":"t","countHits":1,"countHits":2}'), 400, /'countHits' more than once/));

  test('duplicate keys in a nested object, and the same key in sibling objects is fine', async () => {
    await expectRefused(() => post('{"azureTenantId":"t","vendorInformation":{"provider":"a","provider":"b"}}'), 400, /'provider' more than once/);
    const ok = await post('{"azureTenantId":"t","ipCategories":[{"name":"a"},{"name":"b"}]}');
    expect(ok.status).toBe(201);
    await request(base).delete(`${COLLECTION}/${ok.body.id}`).set(AUTH);
  });

  test('a URL over 8 KB is 414', () => expectRefused(() => request(base).get(`${COLLECTION}?$filter=${'x'.repeat(9000)}`).set(AUTH), 414, /limit is 8192/));

  test('a 10,000-term or chain (230 KB) is 431 from the HTTP server; 400 terms (10 KB) are 414; 260 terms are 400 (over the $filter limit)', async () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `countHits eq ${i}`).join(' or ');
    await expectRefused(() => request(base).get(`${COLLECTION}?$filter=${encodeURIComponent(chain(10_000))}`).set(AUTH), 431, /exceed 65536 bytes/);
    await expectRefused(() => request(base).get(`${COLLECTION}?$filter=${encodeURIComponent(chain(400))}`).set(AUTH), 414, /limit is 8192/);
    await expectRefused(() => request(base).get(`${COLLECTION}?$filter=${encodeURIComponent(chain(260))}`).set(AUTH), 400, /limit is 4096/);
  });

  test('500-deep parentheses are 400', () => expectRefused(() => request(base).get(`${COLLECTION}?$filter=${'('.repeat(500)}countHits eq 1${')'.repeat(500)}`).set(AUTH), 400, /nested deeper than 32 levels/));

  test('wrong methods are 405 with Allow', async () => {
    for (const [method, path, allow] of [['put', COLLECTION, 'GET, POST'], ['post', `${COLLECTION}/kept`, 'GET, PATCH, DELETE'], ['patch', `${COLLECTION}/$count`, 'GET']] as const) {
      const res = await request(base)[method](path).set(AUTH).send({});
      expect([res.status, res.headers.allow, res.body.error.code]).toEqual([405, allow, 'MethodNotAllowed']);
    }
  });

  test.each([
    ['a slash', `${COLLECTION}/a/b`, 400],
    ['an encoded slash', `${COLLECTION}/a%2Fb`, 404],
    ['..', `${COLLECTION}/..`, 404],
    ['quotes', `${COLLECTION}('it''s')`, 404],
    ['a bad key predicate', `${COLLECTION}('unclosed)`, 400],
    ['unicode', `${COLLECTION}/${encodeURIComponent('✓ profile')}`, 404],
    ['broken percent-encoding', `${COLLECTION}/%E0%A4%A`, 400],
  ])('an id with %s is a Graph error', async (_name, path, status) => {
    const res = await request(base).get(path).set(AUTH);
    expect(res.status).toBe(status);
    expect(graphErrorProblems(res.body)).toEqual([]);
  });

  test('ids with slashes, quotes and unicode round-trip when clients choose them', async () => {
    const id = "a/b ✓ 'q' ..";
    const created = await post(JSON.stringify({ azureTenantId: 't', id }));
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${TEST_ORIGIN}${COLLECTION}/${encodeURIComponent(id)}`);
    expect((await request(base).get(`${COLLECTION}/${encodeURIComponent(id)}`).set(AUTH)).body.id).toBe(id);
    expect((await request(base).get(`${COLLECTION}('${encodeURIComponent(id.replace(/'/g, "''"))}')`).set(AUTH)).body.id).toBe(id);
    await request(base).delete(`${COLLECTION}/${encodeURIComponent(id)}`).set(AUTH);
  });

  test('headers of absurd size get a Graph 431 from the HTTP server, which keeps serving', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1', () => {
        socket.write(`GET ${COLLECTION} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nX-Huge: ${'h'.repeat(200_000)}\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    const [head = '', body = ''] = reply.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(body).error.code).toBe('RequestHeaderFieldsTooLarge');
    expect(graphErrorProblems(JSON.parse(body))).toEqual([]);
    expect((await request(base).get(`${COLLECTION}/kept`).set(AUTH)).status).toBe(200);
  });

  test('a long but legal Authorization header (a 10 KB token) is served', async () => {
    expect((await request(base).get(COLLECTION).set('Authorization', `Bearer ${'t'.repeat(10_000)}`)).status).toBe(200);
  });
});

/**
 * Hostile-client and operator attacks on three performance changes: the lean JSON body reader (over real sockets,
 * against body-parser as the oracle), the background ordered index, and the seed cache of `serve --seed`.
 * Tests that fail name a defect; the rest pin behaviour that holds.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import * as reader from '../src/http/json-body-reader';
import { createMockServer } from '../src/http/server';
import { checkJsonBytes } from '../src/json-guard';
import * as orderedIndex from '../src/odata/query/ordered-index';
import { orderingsSettled } from '../src/odata/query/ordered-index';
import { toStoredEntity } from '../src/graph/entity-shape';
import { createMemoryStore, loadGraphDefinition } from '../src/index';
import { generateProfiles } from '../src/seed/generate';
import { AUTH, COLLECTION, docExampleBody, seededStore, testApp } from './helpers';
import { BIN, call, serve, tempDir } from './process-helpers';

// ---------------------------------------------------------------------------------------------------------------
// 1. The lean JSON body reader, over real sockets
// ---------------------------------------------------------------------------------------------------------------

const LIMIT = 1024;
const TIMEOUTS = { headersTimeout: 2000, requestTimeout: 3000, keepAliveTimeout: 2000 };
type Part = string | Buffer | { wait: number } | 'end' | 'destroy';

async function listen(mode: 'lean' | 'body-parser', errors: unknown[] = []): Promise<{ server: Server; port: number; restore: () => void }> {
  const spy = mode === 'body-parser' ? jest.spyOn(reader, 'readsLeanly').mockReturnValue(false) : undefined;
  const server = createMockServer(testApp({ store: seededStore(3), bodyLimitBytes: LIMIT, logError: (e: unknown) => errors.push(e) }), TIMEOUTS);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, restore: () => spy?.mockRestore() };
}

/** Writes the parts to a fresh connection and collects everything the server sends until it closes or `readMs` pass. */
function exchange(port: number, parts: Part[], readMs = 1500): Promise<{ text: string; closedByServer: boolean; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    let closedByServer = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ text, closedByServer, ms: Date.now() - started });
    };
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    void (async () => {
      for (const p of parts) {
        if (done) return;
        if (p === 'end') socket.end();
        else if (p === 'destroy') {
          socket.destroy();
          return;
        } else if (typeof p === 'object' && !Buffer.isBuffer(p)) await new Promise((r) => setTimeout(r, p.wait));
        else socket.write(p);
      }
      setTimeout(finish, readMs);
    })();
  });
}

/** The responses in raw HTTP text: status and body (request ids and dates left out). */
function responses(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const head = rest.slice(0, headEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    let body = rest.slice(headEnd + 4, headEnd + 4 + length);
    rest = rest.slice(headEnd + 4 + length);
    try {
      const json = JSON.parse(body) as { error?: { innerError?: Record<string, unknown> } };
      if (json.error?.innerError) json.error.innerError = { shape: Object.keys(json.error.innerError).join(',') };
      body = JSON.stringify(json);
    } catch {
      // not JSON: kept as it is (a finding when it is an HTML page)
    }
    out.push(`${head.split('\r\n', 1)[0]} ${body}`);
  }
  if (rest.length > 0) out.push(`UNPARSED ${rest.slice(0, 200)}`);
  return out;
}

const JSON_BODY = JSON.stringify(docExampleBody());
const req = (method: string, path: string, headers: Record<string, string | string[]>, body: string | Buffer = ''): Buffer => {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: localhost', 'Authorization: Bearer t'];
  for (const [k, v] of Object.entries(headers)) for (const one of [v].flat()) lines.push(`${k}: ${one}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
};
const post = (body: string | Buffer, headers: Record<string, string | string[]> = {}, method = 'POST', path = COLLECTION) =>
  req(method, path, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...headers }, body);
const get = req('GET', `${COLLECTION}/seed-1-1?$select=id`, {});

const padded = (n: number) => {
  const body = JSON_BODY.slice(0, -1) + '}';
  return body + ' '.repeat(n - Buffer.byteLength(body));
};

/** Cases whose answers (all responses on the connection) must be body-parser's. */
const SAME_AS_BODY_PARSER: Array<[string, Part[]]> = [
  ['a valid create, then a read on the same connection', [post(JSON_BODY), get]],
  ['Content-Length with leading zeros', [post(JSON_BODY, { 'Content-Length': `000${Buffer.byteLength(JSON_BODY)}` }), get]],
  ['Content-Length with a plus sign', [post(JSON_BODY, { 'Content-Length': `+${Buffer.byteLength(JSON_BODY)}` })]],
  ['a 16-digit Content-Length', [post(JSON_BODY, { 'Content-Length': '1000000000000000' })]],
  ['a 25-digit Content-Length', [post(JSON_BODY, { 'Content-Length': '1000000000000000000000000' })]],
  ['two equal Content-Length headers', [post(JSON_BODY, { 'Content-Length': [String(Buffer.byteLength(JSON_BODY)), String(Buffer.byteLength(JSON_BODY))] })]],
  ['two different Content-Length headers', [post(JSON_BODY, { 'Content-Length': [String(Buffer.byteLength(JSON_BODY)), '5'] })]],
  ['a body exactly at the limit', [post(padded(LIMIT)), get]],
  ['a body one byte over the limit', [post(padded(LIMIT + 1)), get]],
  ['a body with a UTF-8 BOM', [post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON_BODY)])), get]],
  ['a body that is only a BOM', [post(Buffer.from([0xef, 0xbb, 0xbf])), get]],
  ['invalid UTF-8 in a string', [post(Buffer.from(JSON_BODY.replace('Address', 'Addr\xffss'), 'latin1')), get]],
  ['an overlong UTF-8 encoding', [post(Buffer.from(JSON_BODY.replace('Address', 'Addr\xc0\xafss'), 'latin1')), get]],
  ['duplicate keys', [post('{"address":"a","address":"b"}'), get]],
  ['duplicate keys, one escaped', [post('{"address":"a","\\u0061ddress":"b"}'), get]],
  ['a body that is not JSON', [post('{"address":'), get]],
  ['an empty body with Content-Length 0', [post(''), get]],
  ['a JSON scalar', [post('12'), get]],
  ['Content-Type APPLICATION/JSON', [post(JSON_BODY, { 'Content-Type': 'APPLICATION/JSON' }), get]],
  ['Content-Type application/json with spaces around', [post(JSON_BODY, { 'Content-Type': ' application/json ' }), get]],
  ['Content-Type application/jsonx', [post(JSON_BODY, { 'Content-Type': 'application/jsonx' }), get]],
  ['Content-Type application/merge-patch+json', [post(JSON_BODY, { 'Content-Type': 'application/merge-patch+json' }), get]],
  ['Content-Type text/json', [post(JSON_BODY, { 'Content-Type': 'text/json' }), get]],
  ['a PATCH', [post('{"countHits":7}', {}, 'PATCH', `${COLLECTION}/seed-1-1`), get]],
  ['a PATCH with bad JSON', [post('{"countHits":', {}, 'PATCH', `${COLLECTION}/seed-1-1`), get]],
  ['a PUT', [post(JSON_BODY, {}, 'PUT', `${COLLECTION}/seed-1-1`), get]],
  ['Expect: 100-continue', [post(JSON_BODY, { Expect: '100-continue' }), get]],
  ['Content-Length smaller than the bytes sent (garbage pipelined after)', [Buffer.concat([post('{"countHits":1}', { 'Content-Length': '5' }), Buffer.from('GARBAGE\r\n\r\n')])]],
  ['Content-Length smaller, a valid request pipelined after the cut', [Buffer.concat([post('{}', { 'Content-Length': '1' }), Buffer.from('}'), get])]],
  ['Content-Length larger than sent, then a half-close', [post('{"countHits":1}', { 'Content-Length': '40' }), 'end']],
  ['an error, then a read on the same connection', [post('{"a":1,"a":2}'), post('nope'), get]],
  ['a body trickled in 10 chunks', [...Array.from(post(JSON_BODY).toString('latin1').match(/[\s\S]{1,60}/g)!.flatMap((c) => [Buffer.from(c, 'latin1'), { wait: 20 }])), get]],
];

describe('the lean JSON body reader over real sockets answers what body-parser answers', () => {
  test.each(SAME_AS_BODY_PARSER)('%s', async (_name, parts) => {
    const answers: Record<string, string[]> = {};
    for (const mode of ['body-parser', 'lean'] as const) {
      const errors: unknown[] = [];
      const { server, port, restore } = await listen(mode, errors);
      try {
        const { text } = await exchange(port, parts, 600);
        answers[mode] = responses(text);
        expect(errors).toEqual([]);
      } finally {
        restore();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    }
    if (process.env.ATTACK_DUMP) require('node:fs').appendFileSync(process.env.ATTACK_DUMP, `${_name}\n  ${answers.lean!.join('\n  ')}\n`);
    expect(answers.lean).toEqual(answers['body-parser']);
    // Never a 500, an HTML page or a stack trace.
    for (const a of answers.lean!) {
      expect(a).not.toMatch(/^HTTP\/1\.1 5|<html|<!DOCTYPE|\bat [\w.]+ \(/i);
      if (/^HTTP\/1\.1 (1|2)/.test(a)) continue;
      const body = JSON.parse(a.slice(a.indexOf('{'))) as { error: { code: unknown; message: unknown; innerError: unknown } };
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toEqual({ code: expect.stringMatching(/^[A-Za-z]+$/), message: expect.any(String), innerError: { shape: 'date,request-id,client-request-id' } });
    }
  }, 15_000);
});

describe('the lean JSON body reader against hostile sockets', () => {
  test('a client that sends part of a body and disconnects: no crash, no logged error, the server goes on', async () => {
    const errors: unknown[] = [];
    const { server, port } = await listen('lean', errors);
    try {
      const before = process.listenerCount('uncaughtException');
      for (let i = 0; i < 20; i++) await exchange(port, [post('{"countHits":1}', { 'Content-Length': '400' }), { wait: 5 }, 'destroy'], 0);
      await new Promise((r) => setTimeout(r, 200));
      expect(errors).toEqual([]);
      expect(process.listenerCount('uncaughtException')).toBe(before);
      const after = responses((await exchange(port, [get], 500)).text);
      expect(after).toEqual([expect.stringMatching(/^HTTP\/1\.1 200 /)]);
      // No listener or socket left behind by the aborted reads.
      expect(await new Promise<number>((r) => server.getConnections((_e, n) => r(n)))).toBeLessThanOrEqual(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test.each(['lean', 'body-parser'] as const)('a body trickled one byte per 100 ms is ended by the request timeout (%s)', async (mode) => {
    const { server, port, restore } = await listen(mode);
    try {
      const raw = post(JSON_BODY);
      const head = raw.subarray(0, raw.indexOf('\r\n\r\n') + 4);
      const body = raw.subarray(head.length);
      const parts: Part[] = [head, ...Array.from(body.subarray(0, 80)).flatMap((b) => [Buffer.from([b]), { wait: 100 }])];
      const { text, ms } = await exchange(port, parts, 0);
      // requestTimeout 3 s, checked every second: the server must give up long before the 8 s the trickle takes.
      expect(ms).toBeLessThan(5500);
      expect(text === '' || /^HTTP\/1\.1 408 /.test(text)).toBe(true);
    } finally {
      restore();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 15_000);
});

test.each(['lean', 'body-parser'] as const)('a declared Content-Length over the limit is answered 413 at once, not after the request timeout (%s)', async (mode) => {
  const { server, port, restore } = await listen(mode);
  try {
    const { text, ms } = await exchange(port, [post('{"a":1}', { 'Content-Length': String(LIMIT * 4) })], 1500);
    expect({ first: responses(text)[0]?.slice(0, 12), fast: ms < 1500 }).toEqual({ first: 'HTTP/1.1 413', fast: true });
  } finally {
    restore();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}, 15_000);

/** A reference duplicate-key finder: a small JSON tokenizer that decodes every key. */
function hasDuplicateKey(text: string): boolean {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  let dup = false;
  const value = (): void => {
    ws();
    if (text[i] === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        const k = str();
        if (seen.has(k)) dup = true;
        seen.add(k);
        ws();
        i++; // :
        value();
        ws();
        if (text[i++] === '}') return;
      }
    } else if (text[i] === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i++] === ']') return;
      }
    } else if (text[i] === '"') str();
    else while (i < text.length && !/[,\]}\s]/.test(text[i]!)) i++;
  };
  value();
  return dup;
}

test('duplicate keys found by byte ranges agree with decoding every key (random nested bodies)', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const KEYS = ['a', 'b', '\\u0061', 'ab', '\\u0062', 'a\\"', '\\"a', 'é', '\\u00e9', 'k'];
  const gen = (d: number): string => {
    if (d > 3 || rand(3) === 0) return String(rand(9));
    if (rand(2) === 0) return `[${Array.from({ length: rand(4) }, () => gen(d + 1)).join(',')}]`;
    const n = rand(5) + (rand(6) === 0 ? 40 : 0);
    return `{${Array.from({ length: n }, (_, x) => `"${n > 10 ? `${KEYS[rand(KEYS.length)]}${x % 37}` : KEYS[rand(KEYS.length)]}":${gen(d + 1)}`).join(',')}}`;
  };
  const wrong: string[] = [];
  for (let t = 0; t < 4000; t++) {
    const text = gen(0);
    let threw = false;
    try {
      checkJsonBytes(Buffer.from(text));
    } catch {
      threw = true;
    }
    if (threw !== hasDuplicateKey(text)) wrong.push(text);
  }
  expect(wrong.slice(0, 3)).toEqual([]);
});

// ---------------------------------------------------------------------------------------------------------------
// 2. The ordered index: answers walked from a background ordering are the plain path's
// ---------------------------------------------------------------------------------------------------------------

const N = 4500;

/** All values of a query, following @odata.nextLink (the origin is the test origin). */
async function all(app: ReturnType<typeof testApp>, path: string): Promise<{ values: unknown[]; count: unknown; pages: number; status?: number }> {
  const values: unknown[] = [];
  let next: string | undefined = path;
  let count: unknown;
  let pages = 0;
  while (next !== undefined) {
    const res: request.Response = await request(app).get(next).set(AUTH);
    if (res.status !== 200) return { values: [res.body.error?.code], count, pages, status: res.status };
    values.push(...(res.body.value as unknown[]));
    if (pages === 0) count = res.body['@odata.count'];
    pages++;
    next = (res.body['@odata.nextLink'] as string | undefined)?.replace('https://mockgraph.test', '');
  }
  return { values, count, pages };
}

/** The first answer (the plain path), then the answer once the ordering has been made: they must agree. */
async function plainThenOrdered(app: ReturnType<typeof testApp>, path: string, expectIndexed = true) {
  const plain = await all(app, path);
  await all(app, path);
  await orderingsSettled();
  const spy = jest.spyOn(orderedIndex, 'orderedEntities');
  try {
    const ordered = await all(app, path);
    if (expectIndexed) expect(spy.mock.results.some((r) => r.value !== undefined)).toBe(true);
    return { plain, ordered };
  } finally {
    spy.mockRestore();
  }
}

describe('the ordered index gives the plain path answers', () => {
  const Q = `${COLLECTION}?$orderby=`;
  const QUERIES = [
    `${Q}countHits desc&$top=250&$count=true&$select=id,countHits`,
    `${Q}address&$skip=4300&$top=150&$select=id,address`,
    `${Q}lastSeenDateTime desc,id&$top=120&$select=id,lastSeenDateTime`,
    `${Q}riskScore,countHosts desc,firstSeenDateTime,address desc,id&$top=130&$select=id`,
    `${Q}vendorInformation/provider desc,countHits&$filter=countHits ge 100&$count=true&$top=110&$select=id`,
    `${Q}azureTenantId&$search="10"&$top=50&$select=id`,
    `${COLLECTION}/microsoft.graph.ipSecurityProfile?$orderby=countHits,id desc&$top=105&$select=id`,
    `${Q}countHits&$skip=10&$top=0&$count=true`,
    `${Q}tags&$top=5`,
  ];
  test.each(QUERIES)('%s', async (path) => {
    const app = testApp({ store: seededStore(N) });
    const { plain, ordered } = await plainThenOrdered(app, path, !path.includes('tags'));
    expect(ordered).toEqual(plain);
  }, 30_000);

  test('null keys, a write after the ordering is made, and a write while it is being made', async () => {
    const app = testApp({ store: seededStore(N) });
    const path = `${Q}countHits desc,id&$top=5&$select=id,countHits`;
    for (const id of ['seed-1-10', 'seed-1-20']) expect((await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).send({ countHits: null })).status).toBeLessThan(300);
    const nullsLast = `${Q}countHits desc&$skip=${N - 2}&$select=id,countHits`;
    const { plain, ordered } = await plainThenOrdered(app, nullsLast);
    expect(ordered).toEqual(plain);
    expect(ordered.values).toEqual([expect.objectContaining({ id: 'seed-1-10', countHits: null }), expect.objectContaining({ id: 'seed-1-20', countHits: null })]);
    for (const id of ['seed-1-10', 'seed-1-20']) await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).send({ countHits: 50 });
    await plainThenOrdered(app, path);
    // A PATCH after the ordering: the next answer shows it.
    expect((await request(app).patch(`${COLLECTION}/seed-1-30`).set(AUTH).send({ countHits: 2_000_000_000 })).status).toBeLessThan(300);
    expect((await all(app, path)).values[0]).toEqual(expect.objectContaining({ id: 'seed-1-30', countHits: 2_000_000_000 }));
    // A write while the sort runs: the answer after it is settled is the new state's.
    await all(app, `${Q}countHits,id&$top=3&$select=id,countHits`);
    await all(app, `${Q}countHits,id&$top=3&$select=id,countHits`);
    const created = await request(app).post(COLLECTION).set(AUTH).send({ ...docExampleBody(), countHits: -5 });
    expect(created.status).toBe(201);
    await orderingsSettled();
    for (let i = 0; i < 3; i++) expect((await all(app, `${Q}countHits,id&$top=3&$select=id,countHits`)).values[0]).toEqual(expect.objectContaining({ id: created.body.id, countHits: -5 }));
    // A DELETE: gone from the ordered answer.
    await all(app, `${Q}countHits,id&$top=3&$select=id,countHits`);
    await orderingsSettled();
    expect((await request(app).delete(`${COLLECTION}/${created.body.id}`).set(AUTH)).status).toBe(204);
    expect((await all(app, `${Q}countHits,id&$top=3&$select=id,countHits`)).values[0]).not.toEqual(expect.objectContaining({ id: created.body.id }));
  }, 60_000);

  test('a build over long string keys does not hold the event loop (health answers meanwhile)', async () => {
    // Every address is 2,000 characters that differ only at the end (a seed file can hold these).
    const { model } = loadGraphDefinition();
    const type = model.resolveType('microsoft.graph.ipSecurityProfile')!;
    const store = createMemoryStore();
    const long = 'x'.repeat(2000);
    const entities = generateProfiles(N, 3).map((p, i) => toStoredEntity({ ...p, address: `${long}${(i * 7919) % N}` }, String(p.id), type, model));
    void store.reset(new Map([['security/ipSecurityProfiles', entities]]));
    const app = testApp({ store });
    const path = `${Q}address desc,vendorInformation/provider,countHits&$top=1&$select=id`;
    const h = monitorEventLoopDelay({ resolution: 5 });
    await all(app, path);
    h.enable();
    await all(app, path);
    const spy = jest.spyOn(orderedIndex, 'orderedEntities');
    const started = Date.now();
    const health: number[] = [];
    while (Date.now() - started < 3000) {
      const t = Date.now();
      expect((await request(app).get('/_mockgraph/health')).status).toBe(200);
      health.push(Date.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
    await orderingsSettled();
    h.disable();
    await all(app, path);
    expect(spy.mock.results.some((r) => r.value !== undefined)).toBe(true);
    spy.mockRestore();
    expect(Math.max(...health)).toBeLessThan(250);
    expect(h.max / 1e6).toBeLessThan(250);
  }, 30_000);

  test('many distinct $orderby values: at most a few orderings per state, and later asks are still answered', async () => {
    const app = testApp({ store: seededStore(N) });
    const keys = ['countHits', 'countHosts', 'address', 'riskScore', 'azureTenantId', 'firstSeenDateTime', 'lastSeenDateTime', 'id'];
    const before = process.memoryUsage().heapUsed;
    for (const k of keys) for (const dir of ['asc', 'desc']) for (let r = 0; r < 2; r++) await request(app).get(`${Q}${k} ${dir}&$top=1&$select=id`).set(AUTH);
    await orderingsSettled();
    // 4 orderings of 4,500 references is well under a megabyte; 16 would still be small, but unbounded growth is not.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    // The list view's own sort, asked after a client filled the 4 slots of this state with sorts asked once each:
    // still right, and it should still be indexed (the slots are held by sorts never asked again).
    const { plain, ordered } = await plainThenOrdered(app, `${Q}countHosts desc,id&$top=3&$select=id,countHosts`);
    expect(ordered).toEqual(plain);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------------------
// 3. The seed cache of serve --seed, tampered with
// ---------------------------------------------------------------------------------------------------------------

const PROBES = [`${COLLECTION}?$top=3&$orderby=countHits desc&$count=true&$select=id,countHits`, `${COLLECTION}/seed-9-42`, `${COLLECTION}/$count`];

/** `serve --seed` with `env`: the probes' answers once it listens, or how it ended (a start that hangs is killed). */
async function startAndAsk(seed: string, env: Record<string, string>, timeoutMs = 8_000): Promise<{ answers?: string[]; exit?: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--seed', seed, '--quiet'], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const base = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.stdout.on('data', () => {
      const m = /serving (https?:\/\/[^/]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  try {
    if (base === undefined) return { stderr: err || `no start line within ${timeoutMs} ms` };
    const answers: string[] = [];
    for (const q of PROBES) {
      const res = await call(base, q);
      answers.push(`${res.status} ${(await res.text()).split(base).join('ORIGIN')}`);
    }
    return { answers, stderr: err };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

const cacheFile = async (dir: string): Promise<string> => {
  for (let i = 0; i < 200; i++) {
    const f = existsSync(dir) ? readdirSync(dir).find((n) => n.endsWith('.cache')) : undefined;
    if (f) return join(dir, f);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no cache file');
};

describe('the seed cache, tampered with', () => {
  const dir = tempDir();
  const seed = join(dir, 'seed.json');
  writeFileSync(seed, JSON.stringify(generateProfiles(300, 9)));
  let truth: string[];
  let good: Buffer;
  let name: string;
  const cache = join(dir, 'cache');
  const env = { MOCKGRAPH_SEED_CACHE: cache };

  beforeAll(async () => {
    truth = (await startAndAsk(seed, { MOCKGRAPH_SEED_CACHE: 'off' })).answers!;
    expect(truth.map((a) => a.slice(0, 3))).toEqual(['200', '200', '200']);
    // The cache is written after listening: keep the server up until the file is there.
    const s = await serve(['--seed', seed, '--quiet'], { env });
    const file = await cacheFile(cache);
    s.child.kill('SIGTERM');
    await s.exited;
    name = file.slice(cache.length + 1);
    await new Promise((r) => setTimeout(r, 300));
    good = readFileSync(file);
  }, 60_000);

  const tamper: Array<[string, (file: string) => void]> = [
    ['truncated to half', (f) => writeFileSync(f, good.subarray(0, good.length >> 1))],
    ['truncated before the trailer newline', (f) => writeFileSync(f, good.subarray(0, good.length - 1))],
    ['one byte flipped in an entity', (f) => writeFileSync(f, Buffer.from(good).fill(0x41, good.length >> 1, (good.length >> 1) + 1))],
    ['an entity line replaced, trailer hash left as it was', (f) => writeFileSync(f, good.toString('utf8').replace(/"countHits":\d+/, '"countHits":1234567'))],
    ['an extra line after the trailer', (f) => writeFileSync(f, Buffer.concat([good, Buffer.from('{}\n')]))],
    ['empty', (f) => writeFileSync(f, '')],
    ['a folder in place of the file', (f) => mkdirSync(f)],
    ['a symlink to the seed file itself', (f) => symlinkSync(seed, f)],
    ['a symlink to a FIFO', (f) => {
      execFileSync('mkfifo', [`${f}.fifo`]);
      symlinkSync(`${f}.fifo`, f);
    }],
  ];
  test.each(tamper)('a cache file %s: the start serves the seed', async (_what, damage) => {
    const own = join(tempDir(), 'cache');
    mkdirSync(own);
    damage(join(own, name));
    const got = await startAndAsk(seed, { MOCKGRAPH_SEED_CACHE: own });
    expect(got.stderr === '' ? got.answers : got.stderr).toEqual(truth);
  }, 40_000);

  test('control: an intact copy is read, and so is a forged entity line with its trailer recomputed (the folder is trusted)', async () => {
    const own = join(tempDir(), 'cache');
    mkdirSync(own);
    writeFileSync(join(own, name), good);
    expect((await startAndAsk(seed, { MOCKGRAPH_SEED_CACHE: own })).answers).toEqual(truth);
    const lines = good.toString('utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"id":"seed-9-42"'));
    lines[at] = lines[at]!.replace(/"countHosts":\d+/, '"countHosts":123456789');
    const body = lines.slice(0, -2).join('\n') + '\n';
    writeFileSync(join(own, name), body + JSON.stringify({ sha256: createHash('sha256').update(body).digest('hex') }) + '\n');
    expect((await startAndAsk(seed, { MOCKGRAPH_SEED_CACHE: own })).answers?.[1]).toContain('"countHosts":123456789');
  }, 40_000);

  test('a cache folder that is a file, and a read-only cache folder: the start serves the seed', async () => {
    const asFile = join(tempDir(), 'file');
    writeFileSync(asFile, 'not a folder');
    expect((await startAndAsk(seed, { MOCKGRAPH_SEED_CACHE: asFile })).answers).toEqual(truth);
    const ro = join(tempDir(), 'ro');
    mkdirSync(ro);
    writeFileSync(join(ro, name), good);
    chmodSync(ro, 0o555);
    try {
      expect((await startAndAsk(seed, { MOCKGRAPH_SEED_CACHE: ro })).answers).toEqual(truth);
    } finally {
      chmodSync(ro, 0o755);
    }
  }, 60_000);

  test('two servers starting at once with the same seed and an empty cache folder: both serve the seed, one good file', async () => {
    const shared = join(tempDir(), 'c');
    const [a, b] = await Promise.all([serve(['--seed', seed, '--quiet'], { env: { MOCKGRAPH_SEED_CACHE: shared } }), serve(['--seed', seed, '--quiet'], { env: { MOCKGRAPH_SEED_CACHE: shared } })]);
    try {
      await cacheFile(shared);
      await new Promise((r) => setTimeout(r, 800));
      for (const s of [a, b]) expect(await (await call(s.base, `${COLLECTION}/$count`)).text()).toBe('300');
    } finally {
      for (const s of [a, b]) s.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
    }
    expect(readdirSync(shared)).toEqual([name]);
    expect((await startAndAsk(seed, { MOCKGRAPH_SEED_CACHE: shared })).answers).toEqual(truth);
  }, 60_000);
});

import { Agent, createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import express from 'express';
import request from 'supertest';
import { messageClassesOf } from '../src/http/message-classes';
import { bodyBuffer, MAX_FREE_BYTES, MIN_POOLED_BYTES, pooledFreeBytes } from '../src/http/page-buffers';
import { createMockServer } from '../src/index';
import { issueCertificateAuthority, issueServerCertificate, LOOPBACK_NAMES } from '../src/tls/certificates';
import { COLLECTION, docExampleBody, TEST_ORIGIN, testApp } from './helpers';

jest.setTimeout(30_000);

const SKIPS = [0, 50, 100, 150];
const PAGE = (skip: number, top = 50) => `${COLLECTION}?$orderby=id&$top=${top}&$skip=${skip}`;
const ID = (i: number) => `big-${String(i).padStart(4, '0')}`;

/** Profiles with an address of `size` characters, a different letter per profile (a torn page shows). */
function profiles(count: number, size: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({ ...docExampleBody(), id: ID(i), address: String.fromCharCode(97 + (i % 26)).repeat(size) }));
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const close = (server: Server) => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)));

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: Agent;
  ca?: string;
}

/** One request over http (or https trusting `ca`), the whole answer as bytes. */
function call(port: number, path: string, o: CallOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, method: o.method ?? 'GET', agent: o.agent ?? false, headers: { authorization: 'Bearer t', ...o.headers } };
    const onResponse = (res: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
    };
    const req = o.ca === undefined ? httpRequest(options, onResponse) : httpsRequest({ ...options, ca: o.ca, servername: 'localhost' }, onResponse);
    req.on('error', reject).end(o.body);
  });
}

/** Splits the bytes of pipelined responses (each with Content-Length; a HEAD answer has no body). */
function splitResponses(raw: Buffer, methods: readonly string[]): Answer[] {
  const out: Answer[] = [];
  let at = 0;
  for (const method of methods) {
    const end = raw.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const lines = raw.subarray(at, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    const length = method === 'HEAD' ? 0 : Number(headers['content-length'] ?? 0);
    out.push({ status: Number(lines[0]!.split(' ')[1]), headers, body: raw.subarray(end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
  return out;
}

const requestText = (method: string, path: string, port: number, last: boolean) => `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer t\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;

/** Opens a connection (TLS when `ca` is given) that reads nothing until asked. */
async function pausedSocket(port: number, ca?: string): Promise<Socket> {
  if (ca === undefined) {
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    await new Promise((resolve) => socket.once('connect', resolve));
    return socket;
  }
  const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  await new Promise((resolve) => socket.once('secureConnect', resolve));
  socket.pause();
  return socket;
}

/** Empties the pool's free buffers of a size class, so that what is given back next is what the next body gets. */
function drainPool(bytes: number): void {
  for (;;) {
    const before = pooledFreeBytes();
    bodyBuffer(bytes);
    if (pooledFreeBytes() === before) return;
  }
}

/**
 * Pipelines `requests` on one connection and reads the answers 2 MB at a time, running `meanwhile` (other clients)
 * before each step; the pool of `bytes` is emptied before each step, so a buffer given back early is taken at once.
 */
async function pipelined(port: number, requests: ReadonlyArray<readonly [string, string]>, bytes: number, meanwhile: () => Promise<void>, ca?: string): Promise<Answer[]> {
  const socket = await pausedSocket(port, ca);
  const chunks: Buffer[] = [];
  let received = 0;
  let closed = false;
  socket.on('data', (c: Buffer) => (chunks.push(c), (received += c.length)));
  socket.once('close', () => (closed = true));
  drainPool(bytes);
  socket.write(requests.map(([m, p], i) => requestText(m, p, port, i === requests.length - 1)).join(''));
  await new Promise((resolve) => setTimeout(resolve, 300));
  while (!closed) {
    await meanwhile();
    drainPool(bytes);
    const target = received + 2_000_000;
    await new Promise<void>((resolve) => {
      const step = () => (closed || received >= target) && (socket.off('data', step).off('close', step), resolve());
      socket.on('data', step).on('close', step).resume();
    });
    socket.pause();
  }
  return splitResponses(Buffer.concat(chunks), requests.map(([m]) => m));
}

/** Several pages asked for at once over two kept-alive connections, each checked against the reference bytes. */
async function othersMatch(port: number, reference: Map<number, Buffer>, skips: readonly number[], ca?: string): Promise<void> {
  const agent = ca === undefined ? new Agent({ keepAlive: true, maxSockets: 2 }) : (new HttpsAgent({ keepAlive: true, maxSockets: 2 }) as unknown as Agent);
  try {
    const answers = await Promise.all(skips.map((skip) => call(port, PAGE(skip), { agent, ca })));
    for (const [i, a] of answers.entries()) expect([a.status, a.body.equals(reference.get(skips[i]!)!)]).toEqual([200, true]);
  } finally {
    agent.destroy();
  }
}

describe('attacks on large pages written from pooled buffers', () => {
  // Pages of ≈ 1.9 MB (one size class): six pipelined are more than the socket buffers hold.
  const seed = profiles(200, 36_000);
  const own = issueCertificateAuthority(new Date(), 'attack');
  const pair = issueServerCertificate(own, LOOPBACK_NAMES, new Date());
  const app = testApp({ seed });
  const mock = createMockServer(app);
  const tls = createMockServer(app, undefined, pair);
  const reference = createServer(testApp({ seed }));
  const ports = { mock: 0, tls: 0, reference: 0 };
  const refPages = new Map<number, Buffer>();

  beforeAll(async () => {
    ports.mock = await listen(mock);
    ports.tls = await listen(tls);
    ports.reference = await listen(reference);
    // Asked one at a time of a plain Node server (no pooled buffer ever shared between two responses in flight).
    for (const skip of SKIPS) refPages.set(skip, (await call(ports.reference, PAGE(skip))).body);
    for (const page of refPages.values()) expect(page.length).toBeGreaterThan(MIN_POOLED_BYTES);
  });
  afterAll(async () => {
    await Promise.all([close(mock), close(tls), close(reference)]);
  });

  test('pipelined big GETs and a HEAD on one unread connection each arrive as themselves while other clients take buffers', async () => {
    const requests = [['GET', PAGE(0)], ['HEAD', PAGE(50)], ['GET', PAGE(50)], ['GET', PAGE(100)], ['GET', PAGE(150)], ['GET', PAGE(0)]] as const;
    const answers = await pipelined(ports.mock, requests, refPages.get(0)!.length, () => othersMatch(ports.mock, refPages, [150, 100, 50, 0, 150, 100]));
    expect(answers.map((a) => a.status)).toEqual(requests.map(() => 200));
    for (const [i, [method, path]] of requests.entries()) {
      const expected = refPages.get(Number(new URL(path, TEST_ORIGIN).searchParams.get('$skip')))!;
      expect(Number(answers[i]!.headers['content-length'])).toBe(expected.length);
      expect(answers[i]!.body.equals(method === 'HEAD' ? Buffer.alloc(0) : expected)).toBe(true);
    }
  });

  test('clients that go away mid-write never make other responses of the size class wrong, and the pool stays bounded', async () => {
    for (let round = 0; round < 6; round++) {
      const socket = await pausedSocket(ports.mock);
      socket.write([0, 50, 100].map((skip, i) => requestText('GET', PAGE(skip), ports.mock, i === 2)).join(''));
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Half read a little first (the server is mid-write); half reset the connection outright.
      if (round % 2 === 0) await new Promise((resolve) => socket.once('data', resolve).resume());
      if (round % 3 === 0) socket.resetAndDestroy();
      else socket.destroy();
      await othersMatch(ports.mock, refPages, [100, 50, 0, 150]);
    }
    expect(pooledFreeBytes()).toBeLessThanOrEqual(MAX_FREE_BYTES);
    expect((await call(ports.mock, PAGE(150))).body.equals(refPages.get(150)!)).toBe(true);
  });

  test('over TLS a slow reader of pipelined pages gets them whole while other TLS clients take buffers (one app, two servers)', async () => {
    const requests = [['GET', PAGE(100)], ['GET', PAGE(0)], ['HEAD', PAGE(150)], ['GET', PAGE(50)]] as const;
    const answers = await pipelined(ports.tls, requests, refPages.get(0)!.length, () => othersMatch(ports.tls, refPages, [0, 50, 150, 100], own.cert), own.cert);
    expect(answers.map((a) => [a.status, a.body.length])).toEqual([[200, refPages.get(100)!.length], [200, refPages.get(0)!.length], [200, 0], [200, refPages.get(50)!.length]]);
    expect([answers[0]!.body.equals(refPages.get(100)!), answers[1]!.body.equals(refPages.get(0)!), answers[3]!.body.equals(refPages.get(50)!)]).toEqual([true, true, true]);
  });

  test('a $batch of big pages answers each page as a direct GET does, while other clients fetch big pages', async () => {
    const requests = SKIPS.map((skip, i) => ({ id: String(i + 1), method: 'GET', url: PAGE(skip).slice('/beta'.length) }));
    const body = JSON.stringify({ requests });
    const [batch] = await Promise.all([call(ports.mock, '/beta/$batch', { method: 'POST', body, headers: { 'content-type': 'application/json' } }), othersMatch(ports.mock, refPages, [50, 0, 150, 100, 50, 0])]);
    expect(batch.status).toBe(200);
    const { responses } = JSON.parse(batch.body.toString('utf8')) as { responses: Array<{ id: string; status: number; body: unknown }> };
    expect(responses.map((r) => [r.id, r.status])).toEqual(requests.map((r) => [r.id, 200]));
    for (const [i, skip] of SKIPS.entries()) expect(responses[i]!.body).toEqual(JSON.parse(refPages.get(skip)!.toString('utf8')));
  });

  test('one app served by createMockServer twice, a plain Node server and TLS, and a second app, all answer as Express would', async () => {
    const again = createMockServer(app);
    const plain = createServer(app);
    const other = createMockServer(testApp({ seed: seed.slice(0, 60) }));
    const servers = [again, plain, other];
    const served = await Promise.all(servers.map(listen));
    try {
      expect(messageClassesOf(app)).toBe(messageClassesOf(app));
      const targets = [...[ports.mock, ...served].map((port) => ({ port, ca: undefined as string | undefined })), { port: ports.tls, ca: own.cert }];
      for (const { port, ca } of targets) {
        const o = { ca };
        const one = await call(port, `${COLLECTION}/${ID(7)}`, o);
        const missing = await call(port, `${COLLECTION}/nope`, o);
        const head = await call(port, PAGE(0), { ...o, method: 'HEAD' });
        const preflight = await call(port, COLLECTION, { ...o, method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' } });
        const health = await call(port, '/_mockgraph/health', o);
        const batchGet = await call(port, '/beta/$batch', o);
        const bad = await call(port, `${COLLECTION}?$filter=address%20eq`, o);
        const query = await call(port, `${COLLECTION}?$top=2&$select=id&$orderby=id%20desc`, o);
        expect([one.status, (JSON.parse(one.body.toString()) as { id: string }).id]).toEqual([200, ID(7)]);
        expect([missing.status, (JSON.parse(missing.body.toString()) as { error: { code: string } }).error.code]).toEqual([404, 'ResourceNotFound']);
        expect([head.status, head.body.length, Number(head.headers['content-length']) > MIN_POOLED_BYTES]).toEqual([200, 0, true]);
        expect([preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([204, 'http://localhost:3000']);
        expect([health.status, (JSON.parse(health.body.toString()) as { status: string }).status]).toEqual([200, 'ok']);
        expect([batchGet.status, batchGet.headers.allow]).toEqual([405, 'POST']);
        expect(bad.status).toBe(400);
        expect((JSON.parse(query.body.toString()) as { value: Array<{ id: string }> }).value.map((v) => v.id)).toEqual(port === served[2] ? [ID(59), ID(58)] : [ID(199), ID(198)]);
      }
      // HEAD's Content-Length is the GET body's length, on every server of the one app.
      for (const port of [ports.mock, served[0]!, served[1]!]) expect(Number((await call(port, PAGE(50), { method: 'HEAD' })).headers['content-length'])).toBe(refPages.get(50)!.length);
    } finally {
      await Promise.all(servers.map(close));
    }
  });
});

describe('metadata levels of list items (payload cache shared across levels and hosts)', () => {
  const small = profiles(6, 10);
  const ITEM_URL = (origin: string, id: string) => `${origin}/beta/security/ipSecurityProfiles/${id}`;
  type Item = Record<string, unknown> & { id: string };
  const items = (text: string) => (JSON.parse(text) as { value: Item[] }).value;

  test('full metadata items carry @odata.id and @odata.editLink, minimal and none never do, in any order of asking', async () => {
    const app = testApp({ seed: small });
    for (const level of ['minimal', 'full', 'minimal', 'full', 'none', 'full', 'none', 'minimal']) {
      const res = await request(app).get(PAGE(0, 4)).set({ authorization: 'Bearer t', accept: `application/json;odata.metadata=${level}` });
      expect(res.status).toBe(200);
      for (const item of items(res.text)) {
        const annotations = Object.keys(item).filter((k) => k.startsWith('@odata.'));
        const expected = level === 'full' ? ['@odata.type', '@odata.id', '@odata.editLink'] : level === 'minimal' ? ['@odata.type'] : [];
        expect([level, annotations]).toEqual([level, expected]);
        if (level === 'full') expect([item['@odata.id'], item['@odata.editLink']]).toEqual([ITEM_URL(TEST_ORIGIN, item.id), ITEM_URL(TEST_ORIGIN, item.id)]);
      }
    }
  });

  test('without a public origin, full metadata item URLs follow each request Host even once cached', async () => {
    const app = testApp({ seed: small, publicOrigin: undefined });
    for (const host of ['localhost:1111', '127.0.0.1:2222', 'localhost:1111', '127.0.0.1:2222']) {
      const res = await request(app).get(PAGE(0, 4)).set({ host, authorization: 'Bearer t', accept: 'application/json;odata.metadata=full' });
      for (const item of items(res.text)) expect(item['@odata.id']).toBe(ITEM_URL(`http://${host}`, item.id));
      const minimal = await request(app).get(PAGE(0, 4)).set({ host, authorization: 'Bearer t' });
      for (const item of items(minimal.text)) expect(Object.keys(item).filter((k) => k.startsWith('@odata.'))).toEqual(['@odata.type']);
    }
  });
});

describe('Express behaviour of an app whose prototypes createMockServer replaced', () => {
  test('an app mounted in another after createMockServer still sees itself as req.app and res.app, and its own settings', async () => {
    const inner = express();
    inner.set('etag', false);
    inner.get('/who', (req, res) => {
      res.send(JSON.stringify({ reqApp: req.app === inner, resApp: res.app === inner, baseUrl: req.baseUrl }));
    });
    createMockServer(inner);
    const outer = express();
    outer.use('/in', inner);
    const res = await request(outer).get('/in/who');
    expect(JSON.parse(res.text)).toEqual({ reqApp: true, resApp: true, baseUrl: '/in' });
    expect(res.headers.etag).toBeUndefined();
  });
});

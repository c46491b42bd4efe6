import { Agent, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createMockServer, loadGraphDefinition } from '../src/index';
import { COLLECTION, docExampleBody, emptyStore, STORE_KINDS, testApp } from './helpers';

async function start(options: Parameters<typeof testApp>[0], timeouts?: Parameters<typeof createMockServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createMockServer(testApp({ now: () => new Date(), newId: () => globalThis.crypto.randomUUID(), ...options }), timeouts);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { server, port: (server.address() as AddressInfo).port };
}

function call(port: number, agent: Agent, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest({ host: '127.0.0.1', port, agent, method, path, headers: { authorization: 'Bearer c', ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe.each(STORE_KINDS)('concurrency over the %s store', (kind) => {
  test('2,000 concurrent creates over 50 connections: 2,000 distinct ids, $count 2,000, nothing lost', async () => {
    const { server, port } = await start({ store: emptyStore(kind) });
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    try {
      const results = await Promise.all(Array.from({ length: 2000 }, (_, i) => call(port, agent, 'POST', COLLECTION, { ...docExampleBody(), countHits: i })));
      expect(results.filter((r) => r.status !== 201)).toEqual([]);
      const ids = new Set(results.map((r) => (JSON.parse(r.text) as { id: string }).id));
      expect(ids.size).toBe(2000);
      expect((await call(port, agent, 'GET', `${COLLECTION}/$count`)).text).toBe('2000');
      const hits = new Set<number>();
      let url: string | undefined = `${COLLECTION}?$select=countHits&$top=2000`;
      while (url) {
        const page = JSON.parse((await call(port, agent, 'GET', url)).text) as { value: Array<{ countHits: number }>; '@odata.nextLink'?: string };
        page.value.forEach((p) => hits.add(p.countHits));
        url = page['@odata.nextLink']?.replace(/^https?:\/\/[^/]+/, '');
      }
      expect(hits.size).toBe(2000);
    } finally {
      agent.destroy();
      server.close();
    }
  }, 60_000);

  test('concurrent PATCH, DELETE and GET on one id never produce a 5xx and leave a consistent entity', async () => {
    const { server, port } = await start({ store: emptyStore(kind), seed: [{ ...docExampleBody(), id: 'contended' }] });
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const path = `${COLLECTION}/contended`;
    try {
      const ops = Array.from({ length: 300 }, (_, i) =>
        i === 150 ? call(port, agent, 'DELETE', path) : i % 3 === 0 ? call(port, agent, 'GET', path) : call(port, agent, 'PATCH', path, { riskScore: `r${i}`, tags: [`t${i}`] }),
      );
      const results = await Promise.all(ops);
      expect(results.filter((r) => r.status >= 500)).toEqual([]);
      expect(results.every((r) => [200, 204, 404].includes(r.status))).toBe(true);
      const final = await call(port, agent, 'GET', path);
      expect(final.status).toBe(404);
      const recreated = await call(port, agent, 'POST', COLLECTION, { ...docExampleBody(), id: 'contended' });
      expect(recreated.status).toBe(201);
      await Promise.all(Array.from({ length: 100 }, (_, i) => call(port, agent, 'PATCH', path, { riskScore: `s${i}`, tags: [`s${i}`] })));
      const entity = JSON.parse((await call(port, agent, 'GET', path)).text) as { riskScore: string; tags: string[] };
      // Each PATCH applies whole: riskScore and tags always come from the same request.
      expect(entity.tags).toEqual([entity.riskScore]);
      expect(loadGraphDefinition().validator.check('microsoft.graph.ipSecurityProfile', entity)).toEqual([]);
    } finally {
      agent.destroy();
      server.close();
    }
  }, 60_000);
});

describe('slow clients', () => {
  test('a connection that trickles its headers is closed while other clients are still served', async () => {
    const { server, port } = await start({}, { headersTimeout: 1000, requestTimeout: 2000, keepAliveTimeout: 500 });
    const agent = new Agent({ keepAlive: false });
    try {
      const started = Date.now();
      const closed = new Promise<{ after: number; reply: string }>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${COLLECTION} HTTP/1.1\r\nHost: x\r\n`));
        let reply = '';
        const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
        socket.on('data', (d) => (reply += d.toString()));
        socket.on('close', () => {
          clearInterval(trickle);
          resolve({ after: Date.now() - started, reply });
        });
        socket.on('error', () => undefined);
      });
      await new Promise((r) => setTimeout(r, 300));
      expect((await call(port, agent, 'GET', COLLECTION)).status).toBe(200);
      const { after, reply } = await closed;
      expect(after).toBeLessThan(8000);
      expect(reply === '' || reply.startsWith('HTTP/1.1 408')).toBe(true);
      expect((await call(port, agent, 'GET', COLLECTION)).status).toBe(200);
    } finally {
      server.close();
    }
  }, 20_000);
});

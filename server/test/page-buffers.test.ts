import { Agent, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MIN_POOLED_BYTES } from '../src/http/page-buffers';
import { createMockServer } from '../src/index';
import { COLLECTION, docExampleBody, testApp } from './helpers';

/** Profiles whose pages are pooled bodies: an address of `size` characters each. */
function profiles(count: number, size: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({ ...docExampleBody(), id: `big-${String(i).padStart(4, '0')}`, address: String.fromCharCode(97 + (i % 26)).repeat(size) }));
}

async function start(seed: Array<Record<string, unknown>>): Promise<{ server: Server; port: number }> {
  const server = createMockServer(testApp({ seed, now: () => new Date() }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, agent: Agent, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, agent, path, headers: { authorization: 'Bearer t' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject).end();
  });
}

/** The ids a page shows, each checked to carry its own description whole. */
function idsOf(text: string): string[] {
  const value = (JSON.parse(text) as { value: Array<{ id: string; address: string }> }).value;
  for (const p of value) expect(p.address).toBe(String.fromCharCode(97 + (Number(p.id.slice(4)) % 26)).repeat(p.address.length));
  return value.map((p) => p.id);
}

const PAGE = (skip: number) => `${COLLECTION}?$orderby=id&$top=50&$skip=${skip}`;
const expectedIds = (skip: number) => Array.from({ length: 50 }, (_, i) => `big-${String(skip + i).padStart(4, '0')}`);

describe('large pages written from reused buffers', () => {
  let served: { server: Server; port: number };
  beforeAll(async () => {
    served = await start(profiles(200, 4_000));
  });
  afterAll(async () => {
    await new Promise((resolve) => served.server.close(resolve));
  });

  test('pages of one size class, asked for at once over kept-alive connections, each arrive whole and as themselves', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const skips = Array.from({ length: 48 }, (_, i) => (i % 4) * 50);
      const answers = await Promise.all(skips.map((skip) => get(served.port, agent, PAGE(skip))));
      for (const [i, answer] of answers.entries()) {
        expect(answer.status).toBe(200);
        expect(Buffer.byteLength(answer.text)).toBeGreaterThan(MIN_POOLED_BYTES);
        expect(idsOf(answer.text)).toEqual(expectedIds(skips[i]!));
      }
    } finally {
      agent.destroy();
    }
  });

  test('a client that reads its page slowly gets it as it was, while other responses take and return buffers', async () => {
    // Pages of ≈ 7 MB: more than the sockets buffer, so the response is still being written while this client does not read.
    const big = await start(profiles(200, 140_000));
    try {
      const socket = connect(big.port, '127.0.0.1');
      const received: Buffer[] = [];
      socket.pause();
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(`GET ${COLLECTION}?$orderby=id&$top=50 HTTP/1.1\r\nHost: 127.0.0.1:${big.port}\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const agent = new Agent({ keepAlive: true, maxSockets: 2 });
      const others = await Promise.all([50, 100, 150, 50].map((skip) => get(big.port, agent, `${COLLECTION}?$orderby=id&$top=50&$skip=${skip}`)));
      agent.destroy();
      for (const [i, other] of others.entries()) expect(idsOf(other.text).map((id) => Number(id.slice(4)))).toEqual(Array.from({ length: 50 }, (_, k) => [50, 100, 150, 50][i]! + k));
      socket.on('data', (c: Buffer) => received.push(c));
      socket.resume();
      await new Promise((resolve) => socket.once('end', resolve));
      const text = Buffer.concat(received).toString('utf8');
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      expect(text.startsWith('HTTP/1.1 200')).toBe(true);
      expect(idsOf(body)).toEqual(Array.from({ length: 50 }, (_, i) => `big-${String(i).padStart(4, '0')}`));
    } finally {
      await new Promise((resolve) => big.server.close(resolve));
    }
  });

  test("the request log shows a page's head as it was sent after its buffer has carried other pages", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(served.port, agent, PAGE(0));
      const logged = (await (await fetch(`http://127.0.0.1:${served.port}/_mockgraph/requests?limit=1`)).json()) as { value: Array<{ id: number }> };
      for (const skip of [50, 100, 150]) await get(served.port, agent, PAGE(skip));
      const details = (await (await fetch(`http://127.0.0.1:${served.port}/_mockgraph/requests/${logged.value[0]!.id}`)).json()) as { response: { body: { text: string; bytes: number } } };
      expect(details.response.body.bytes).toBe(Buffer.byteLength(first.text));
      expect(first.text.startsWith(details.response.body.text)).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExchangeRequest } from './in-memory-exchange';
import { exchange } from './in-memory-exchange';

const REQUEST: ExchangeRequest = { method: 'POST', url: '/echo?x=1', headers: { host: 'h', 'content-type': 'application/json', 'content-length': '7' }, body: Buffer.from('{"a":1}'), encrypted: true, remoteAddress: '127.0.0.1' };

describe('exchange (a request through a listener, in memory)', () => {
  test('the listener reads the request and its body; status, headers and body come back', async () => {
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.statusCode = 201;
        res.setHeader('Location', `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${req.headers.host}${req.url}`);
        res.end(Buffer.concat(chunks));
      });
    };
    const out = await exchange(listener, REQUEST, 1000);
    expect(out.kind).toBe('answered');
    if (out.kind !== 'answered') return;
    expect(out.status).toBe(201);
    expect(out.headers).toContainEqual(['Location', 'https://h/echo?x=1']);
    expect(out.body.toString()).toBe('{"a":1}');
  });

  test('a chunked body is read whole; an empty one is empty', async () => {
    const chunked = await exchange((_req, res) => { res.write('ab'); res.end('cd'); }, REQUEST, 1000);
    expect(chunked.kind === 'answered' && chunked.body.toString()).toBe('abcd');
    const empty = await exchange((_req, res) => { res.statusCode = 204; res.end(); }, REQUEST, 1000);
    expect(empty.kind === 'answered' && [empty.status, empty.body.length]).toEqual([204, 0]);
  });

  test('a response that breaks off is broken; a listener that throws is broken', async () => {
    expect((await exchange((_req, res) => { res.write('half'); res.destroy(); }, REQUEST, 1000)).kind).toBe('broken');
    expect((await exchange(() => { throw new Error('boom'); }, REQUEST, 1000)).kind).toBe('broken');
  });

  test('a listener that never answers times out, and its response is closed so it can see the client go', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      let closed = false;
      const pending = exchange((_req, res) => res.once('close', () => (closed = true)), REQUEST, 5000);
      jest.advanceTimersByTime(5000);
      expect((await pending).kind).toBe('timed-out');
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  test('an aborted signal abandons the request', async () => {
    const controller = new AbortController();
    const pending = exchange(() => controller.abort(), REQUEST, 60_000, controller.signal);
    expect((await pending).kind).toBe('broken');
  });
});

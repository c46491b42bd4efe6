import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { ErrorRequestHandler, Express, Request, RequestHandler } from 'express';
import request from 'supertest';
import { readJsonBody, readsLeanly } from './json-body-reader';
import type { BodyCheck } from './json-body-reader';

const LIMIT = 64;
const check: BodyCheck = (res, raw) => {
  res.locals.seen = raw.length;
  if (raw.length === 0) throw Object.assign(new Error('empty'), { status: 400 });
  if (raw.includes('refuse')) throw new Error('refused by the check');
};

/** An app that parses with `parser` and answers what it got: the body, or the error as the error handler sees it. */
function appWith(parser: RequestHandler): Express {
  const app = express();
  app.use(parser);
  app.use((req, res) => void res.json({ body: req.body as unknown, hasBody: 'body' in req, seen: res.locals.seen as unknown }));
  const onError: ErrorRequestHandler = (err: { type?: string; message?: string; status?: number; name?: string; body?: unknown }, _req, res, _next) => {
    res.status(500).json({ type: err.type, message: err.message, status: err.status, name: err.name, body: Buffer.isBuffer(err.body) ? err.body.toString('latin1') : err.body });
  };
  app.use(onError);
  return app;
}

const bodyParser = appWith(express.json({ limit: LIMIT, strict: false, type: () => true, verify: (_req, res, buf) => check(res as never, buf) }));
const lean = appWith((req: Request, res, next) => (readsLeanly(req, LIMIT) ? readJsonBody(req, res, next, LIMIT, check) : next(new Error('not lean'))));

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const BODIES: Array<string | Buffer> = [
  '{"a":1,"b":[true,null,"x"]}',
  '[1,2]',
  '"text"',
  '12',
  'null',
  '   ',
  '',
  '{"a":',
  '{a:1}',
  '{"a":1}x',
  '{"refuse":1}',
  Buffer.concat([BOM, Buffer.from('{"a":"é"}')]),
  BOM,
  Buffer.concat([BOM, BOM, Buffer.from('{}')]),
  Buffer.from('{"a":"\u{1F600}"}'),
];

/** POSTs `body` in the given pieces to a listening `app`; answers the status and the parsed answer. */
async function post(app: Express, pieces: Buffer[], headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    return await new Promise((resolve, reject) => {
      const length = pieces.reduce((n, p) => n + p.length, 0);
      const req = httpRequest({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(length), ...headers } }, (res) => {
        let out = '';
        res.setEncoding('utf8').on('data', (d: string) => (out += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(out) }));
      });
      req.on('error', reject);
      const [first, ...rest] = pieces;
      if (first) req.write(first);
      // The rest goes in a later turn of the event loop, so the server reads more than one chunk.
      setImmediate(() => {
        for (const p of rest) req.write(p);
        req.end();
      });
    });
  } finally {
    server.close();
  }
}

describe('readJsonBody', () => {
  test.each(BODIES.map((b) => [JSON.stringify(b.toString()), Buffer.from(b)] as const))('answers %s as express.json does', async (_name, body) => {
    const expected = await post(bodyParser, [body]);
    expect(await post(lean, [body])).toEqual(expected);
    if (body.length > 2) expect(await post(lean, [body.subarray(0, 2), body.subarray(2)])).toEqual(expected);
  });

  test('leaves to body-parser what it does not read the same way', async () => {
    const probe = express();
    const verdicts: boolean[] = [];
    probe.use((req, res) => {
      verdicts.push(readsLeanly(req, LIMIT));
      req.resume();
      res.end();
    });
    const post = () => request(probe).post('/');
    await post().set('Content-Type', 'application/json').send('{}');
    await post().set('Content-Type', 'application/json; charset=utf-8').send('{}');
    await post().set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{}');
    await post().set('Content-Type', 'application/json').send(`{"a":"${'x'.repeat(LIMIT)}"}`);
    expect(verdicts).toEqual([true, false, false, false]);
  });
});

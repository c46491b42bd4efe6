import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app';
import { exchange } from './in-memory-exchange';
import { messageClassesOf } from './message-classes';
import { createMockServer } from './server';

/** What a request's and response's prototypes were when the server made them, before the app saw them. */
interface Made {
  req: IncomingMessage;
  res: ServerResponse;
  reqProto: object;
  resProto: object;
}

/** Sends one request to `server`; answers the response and the request and response objects the server made for it. */
async function exchangeThrough(server: Server, path: string): Promise<{ status: number; body: string } & Made> {
  let seen: Made | undefined;
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => (seen = { req, res, reqProto: Object.getPrototypeOf(req), resProto: Object.getPrototypeOf(res) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: 'Bearer token' } });
    return { status: response.status, body: await response.text(), ...seen! };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('request and response classes with the app prototypes in place', () => {
  test('createMockServer makes requests and responses with the prototypes Express gives them, so Express never changes their prototypes', async () => {
    const app = createApp();
    const { status, body, req, res, reqProto, resProto } = await exchangeThrough(createMockServer(app), '/beta/security/ipSecurityProfiles?$top=1');
    expect(status).toBe(200);
    expect(Array.isArray(JSON.parse(body).value)).toBe(true);
    // Object.setPrototypeOf to the prototype an object already has leaves it (and V8's caches of its shape) alone.
    expect(reqProto).toBe(app.request);
    expect(resProto).toBe(app.response);
    expect(Object.getPrototypeOf(req)).toBe(reqProto);
    expect(Object.getPrototypeOf(res)).toBe(resProto);
    // Every method Express and the app give requests is there.
    expect((req as unknown as { get(name: string): string }).get('Authorization')).toBe('Bearer token');
    expect((req as unknown as { app: unknown }).app).toBe(app);
    expect(typeof (res as unknown as { status: unknown }).status).toBe('function');
  });

  test('a plain Node server (as supertest makes) is still served in full, Express setting the prototypes itself', async () => {
    const app = createApp();
    messageClassesOf(app);
    const { status, body, req, res, reqProto } = await exchangeThrough(createServer(app), '/beta/security/ipSecurityProfiles/missing');
    expect(status).toBe(404);
    expect(JSON.parse(body).error.code).toBe('ResourceNotFound');
    expect(reqProto).not.toBe(app.request);
    expect(Object.getPrototypeOf(req)).toBe(app.request);
    expect(Object.getPrototypeOf(res)).toBe(app.response);
  });

  test('the classes are made once per app, and a $batch replaying requests in memory makes them with the app prototypes too', async () => {
    const app = createApp();
    const out = await exchange(app, { method: 'GET', url: '/beta/security/ipSecurityProfiles?$top=1', headers: { host: 'localhost', authorization: 'Bearer token' }, encrypted: false, remoteAddress: '127.0.0.1' }, 5000);
    expect(out.kind === 'answered' && out.status).toBe(200);
    const classes = messageClassesOf(app);
    expect(messageClassesOf(app)).toBe(classes);
    expect(app.request).toBe(classes.IncomingMessage.prototype);
    expect(app.response).toBe(classes.ServerResponse.prototype);
  });
});

import request from 'supertest';
import { Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { AddressInfo } from 'node:net';
import { mintAccessToken } from '../src/graph/access-token';
import { seededRandom } from '../src/seed/generate';
import { AUTH, COLLECTION, testApp } from './helpers';

describe('--throttle N/SECONDS', () => {
  const token = (appid: string, n: number) => ({ Authorization: `Bearer ${mintAccessToken({ appid, n })}` });

  test('past N requests in the window a client gets Graph 429 with Retry-After; other clients are not affected', async () => {
    let now = Date.parse('2026-11-26T08:00:00Z');
    const app = testApp({ chaos: { throttle: { limit: 2, seconds: 10 } }, now: () => new Date(now) });
    expect((await request(app).get(COLLECTION).set(token('app-a', 1))).status).toBe(200);
    // Another token of the same app counts against the same app id.
    expect((await request(app).get(COLLECTION).set(token('app-a', 2))).status).toBe(200);
    now += 3000;
    const limited = await request(app).get(COLLECTION).set(token('app-a', 3));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.body.error.code).toBe('TooManyRequests');
    expect((await request(app).get(COLLECTION).set(token('app-b', 1))).status).toBe(200);
    expect((await request(app).get(COLLECTION).set(AUTH)).status).toBe(200);
    now += 7000;
    expect((await request(app).get(COLLECTION).set(token('app-a', 4))).status).toBe(200);
  });

  test("the official SDK's RetryHandler recovers from the 429s", async () => {
    const server = testApp({ chaos: { throttle: { limit: 1, seconds: 1 } }, now: () => new Date() }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const retry = new RetryHandler(new RetryHandlerOptions(0, 3));
      retry.setNext(new HTTPMessageHandler());
      const client = Client.initWithMiddleware({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        defaultVersion: 'beta',
        fetchOptions: { headers: { Authorization: 'Bearer throttled' } },
        middleware: retry,
      });
      await client.api('/security/ipSecurityProfiles').get();
      const second = await client.api('/security/ipSecurityProfiles').get();
      expect(second.value).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('--fail-rate P with --random-seed', () => {
  const statuses = async (seed: number) => {
    const app = testApp({ chaos: { failRate: 0.5, random: seededRandom(seed) } });
    const out: number[] = [];
    for (let i = 0; i < 20; i++) out.push((await request(app).get(COLLECTION).set(AUTH)).status);
    return out;
  };

  test('answers 503 or 504 with Retry-After at about that rate, the same way for the same seed', async () => {
    const a = await statuses(42);
    expect(await statuses(42)).toEqual(a);
    expect(await statuses(43)).not.toEqual(a);
    const failures = a.filter((s) => s !== 200);
    expect(failures.length).toBeGreaterThan(3);
    expect(failures.length).toBeLessThan(17);
    expect(new Set(failures)).toEqual(new Set([503, 504]));
    const app = testApp({ chaos: { failRate: 1, random: seededRandom(1) } });
    const res = await request(app).get(COLLECTION).set(AUTH);
    expect(res.headers['retry-after']).toBe('1');
    expect(['ServiceUnavailable', 'GatewayTimeout']).toContain(res.body.error.code);
  });

  test('the admin API is never failed or throttled', async () => {
    const app = testApp({ chaos: { failRate: 1, throttle: { limit: 1, seconds: 60 } } });
    for (let i = 0; i < 3; i++) expect((await request(app).get('/_mockgraph/health')).status).toBe(200);
  });
});

describe('--latency MIN-MAX', () => {
  test('delays Graph responses by at least MIN', async () => {
    const app = testApp({ chaos: { latency: { min: 120, max: 150 } } });
    const started = Date.now();
    await request(app).get(COLLECTION).set(AUTH);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });
});

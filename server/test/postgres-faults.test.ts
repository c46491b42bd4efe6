import { runCliAsync, serve, call } from './process-helpers';
import { docExampleBody, graphErrorProblems } from './helpers';
import { describePostgres } from './support/postgres';

const COLLECTION = '/beta/security/ipSecurityProfiles';

describePostgres('PostgreSQL faults (a cluster of its own, stopped and started by the test)', (pg) => {
  jest.setTimeout(90_000);

  test('the database restarted during traffic: 503 with Retry-After while it is away (never a 500 or a hang), health not ready, recovery within 5 s', async () => {
    const cluster = await pg.startCluster();
    const served = await serve(['--data', cluster.url, '--quiet']);
    try {
      expect((await call(served.base, COLLECTION)).status).toBe(200);
      await cluster.stopKeep();
      const started = Date.now();
      const requests: Array<[string, RequestInit]> = [
        [COLLECTION, {}],
        [`${COLLECTION}/x`, {}],
        [COLLECTION, { method: 'POST', body: JSON.stringify(docExampleBody()) }],
        [`${COLLECTION}/x`, { method: 'PATCH', body: JSON.stringify({ countHits: 1 }) }],
        [`${COLLECTION}?$filter=countHits gt 1&$orderby=lastSeenDateTime desc`, {}],
        [`${COLLECTION}/$count`, {}],
      ];
      for (const [path, init] of requests) {
        const t0 = Date.now();
        const res = await call(served.base, path, init);
        expect(Date.now() - t0).toBeLessThan(12_000);
        expect(res.status).toBe(503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        const body = await res.json();
        expect(graphErrorProblems(body)).toEqual([]);
        expect((body as { error: { code: string; message: string } }).error.message).toMatch(/PostgreSQL database at 127\.0\.0\.1:\d+\/postgres cannot be reached/);
      }
      expect(Date.now() - started).toBeLessThan(30_000);
      const health = await call(served.base, '/_mockgraph/health');
      expect(health.status).toBe(503);
      expect(((await health.json()) as { ready: boolean }).ready).toBe(false);

      await cluster.startAgain();
      const back = Date.now();
      let ok = false;
      while (!ok && Date.now() - back < 5_000) {
        ok = (await call(served.base, '/_mockgraph/health')).status === 200 && (await call(served.base, COLLECTION)).status === 200;
        if (!ok) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ok).toBe(true);
      expect((await call(served.base, COLLECTION, { method: 'POST', body: JSON.stringify(docExampleBody()) })).status).toBe(201);
      expect(served.stderr()).not.toMatch(/unexpected error|at .*\.js:\d+/);
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
      await cluster.stop();
    }
  });

  test('a database unreachable at start-up: retries for the bounded time, then exits 2 with one line', async () => {
    const cluster = await pg.startCluster();
    const url = cluster.url;
    await cluster.stop();
    const t0 = Date.now();
    const result = await runCliAsync(['serve', '--port', '0', '--data', url, '--connect-timeout', '2']);
    expect(result.status).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const lines = result.stderr.trim().split('\n').filter((l) => !l.includes('waiting for'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mockgraph: the PostgreSQL database at 127\.0\.0\.1:\d+\/postgres cannot be reached \(ECONNREFUSED\); gave up after 2 s/);
  });
});

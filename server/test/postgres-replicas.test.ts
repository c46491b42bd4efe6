import { call, serve } from './process-helpers';
import type { Served } from './process-helpers';
import { docExampleBody } from './helpers';
import { describePostgres } from './support/postgres';

const COLLECTION = '/beta/security/ipSecurityProfiles';
const ADMIN = { Authorization: 'Bearer replica-admin-token' };

/** Two `mockgraph serve --data postgres://…` processes on one database, sharing the admin token and the token secret. */
async function replicas(url: string, extra: string[] = []): Promise<[Served, Served]> {
  const env = { MOCKGRAPH_ADMIN_TOKEN: 'replica-admin-token', MOCKGRAPH_TOKEN_SECRET: 'shared-replica-secret-0123456789' };
  // One after the other would hide a race; both at once is what a rolling deployment does.
  return Promise.all([serve(['--data', url, '--quiet', ...extra], { env }), serve(['--data', url, '--quiet', ...extra], { env })]);
}

async function stop(...served: Served[]): Promise<void> {
  for (const s of served) s.child.kill('SIGTERM');
  await Promise.all(served.map((s) => s.exited.catch(() => undefined)));
}

describePostgres('two replicas over one PostgreSQL database (real processes)', (pg) => {
  jest.setTimeout(60_000);

  test('a write through one replica is read through the other; a $skiptoken of one is honoured by the other', async () => {
    const db = await pg.createDatabase();
    const [a, b] = await replicas(db.url, ['--page-size', '5']);
    try {
      const created = await call(a.base, COLLECTION, { method: 'POST', body: JSON.stringify(docExampleBody()) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const read = await call(b.base, `${COLLECTION}/${id}`);
      expect(read.status).toBe(200);
      expect(((await read.json()) as { id: string }).id).toBe(id);

      for (let i = 0; i < 11; i++) expect((await call(a.base, COLLECTION, { method: 'POST', body: JSON.stringify({ ...docExampleBody(), countHits: i }) })).status).toBe(201);
      // Walk the pages alternating between the replicas: every entity once, in one order.
      const seen: string[] = [];
      let next: string | undefined = `${a.base}${COLLECTION}?$orderby=countHits desc&$count=true`;
      let turn = 0;
      while (next) {
        const path: string = next.replace(/^https?:\/\/[^/]+/, '');
        const res = await call(turn++ % 2 === 0 ? a.base : b.base, path);
        expect(res.status).toBe(200);
        const page = (await res.json()) as { value: Array<{ id: string }>; '@odata.nextLink'?: string; '@odata.count'?: number };
        expect(page['@odata.count']).toBe(13);
        seen.push(...page.value.map((p) => p.id));
        next = page['@odata.nextLink'];
      }
      expect(turn).toBe(3);
      expect(new Set(seen).size).toBe(13);

      // A reset through one replica is seen by the other at once, and its old tokens are refused there.
      const first = (await (await call(b.base, `${COLLECTION}`)).json()) as { '@odata.nextLink'?: string };
      expect(first['@odata.nextLink']).toBeDefined();
      expect((await call(a.base, '/_mockgraph/reset', { method: 'POST', headers: ADMIN })).status).toBe(200);
      const after = (await (await call(b.base, COLLECTION)).json()) as { value: unknown[] };
      expect(after.value).toHaveLength(1);
      const stale = await call(b.base, first['@odata.nextLink']!.replace(/^https?:\/\/[^/]+/, ''));
      expect(stale.status).toBe(400);
    } finally {
      await stop(a, b);
      await db.drop();
    }
  });

  test('a replica killed with kill -9 during a write burst loses no acknowledged write: each is readable through the other', async () => {
    const db = await pg.createDatabase();
    const [a, b] = await replicas(db.url);
    try {
      const acknowledged: string[] = [];
      let killed = false;
      const writer = async (n: number) => {
        for (let i = 0; !killed || i < 0; i++) {
          try {
            const res = await call(a.base, COLLECTION, { method: 'POST', body: JSON.stringify({ ...docExampleBody(), id: `burst-${n}-${i}` }) });
            if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
          } catch {
            return; // the connection died with the process: that write was never acknowledged
          }
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      await new Promise((r) => setTimeout(r, 1500));
      a.child.kill('SIGKILL');
      killed = true;
      await Promise.all(writers);
      expect(acknowledged.length).toBeGreaterThan(20);
      const missing: string[] = [];
      for (const id of acknowledged) if ((await call(b.base, `${COLLECTION}/${id}`)).status !== 200) missing.push(id);
      expect(missing).toEqual([]);
      const health = (await (await call(b.base, '/_mockgraph/health')).json()) as { ready: boolean; entitySets: Record<string, number> };
      expect(health.ready).toBe(true);
      // The seed's profile, every acknowledged write, and at most the writes in flight when the process died.
      expect(health.entitySets['security/ipSecurityProfiles']).toBeGreaterThanOrEqual(acknowledged.length + 1);
      expect(health.entitySets['security/ipSecurityProfiles']).toBeLessThanOrEqual(acknowledged.length + 1 + 4);
    } finally {
      await stop(a, b);
      await db.drop();
    }
  });

  test('replicas that start at once against an empty database migrate and seed it once', async () => {
    const db = await pg.createDatabase();
    const started = await Promise.all([0, 1, 2].map(() => serve(['--data', db.url, '--quiet'])));
    try {
      for (const s of started) {
        const health = (await (await call(s.base, '/_mockgraph/health')).json()) as { entitySets: Record<string, number> };
        expect(health.entitySets['security/ipSecurityProfiles']).toBe(1);
      }
    } finally {
      await stop(...started);
      await db.drop();
    }
  });
});

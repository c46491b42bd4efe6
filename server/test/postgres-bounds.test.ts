import { Client } from 'pg';
import { MAX_WALKS, WALKS_BETWEEN_PRUNES } from '../src/store/postgres/pg-queries';
import { docExampleBody } from './helpers';
import { call, serve } from './process-helpers';
import type { Served } from './process-helpers';
import { describePostgres } from './support/postgres';

const COLLECTION = '/beta/security/ipSecurityProfiles';
const ENV = { MOCKGRAPH_ADMIN_TOKEN: 'bounds-admin-token', MOCKGRAPH_TOKEN_SECRET: 'shared-bounds-secret-0123456789' };

async function stop(...served: Served[]): Promise<void> {
  for (const s of served) s.child.kill('SIGTERM');
  await Promise.all(served.map((s) => s.exited.catch(() => undefined)));
}

async function sql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const pathOf = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

describePostgres('the bounds of a PostgreSQL store at their edges (real processes)', (pg) => {
  jest.setTimeout(90_000);

  test('--max-entities near the limit, 80 creates at once through two replicas: exactly the limit lands, every other create is a 507', async () => {
    const db = await pg.createDatabase();
    const limit = 30;
    // The built-in seed holds one profile: the limit leaves room for 29 more.
    const [a, b] = await Promise.all([0, 1].map(() => serve(['--data', db.url, '--quiet', '--max-entities', String(limit)], { env: ENV })));
    try {
      const statuses = await Promise.all(
        Array.from({ length: 80 }, (_, i) => call(i % 2 === 0 ? a!.base : b!.base, COLLECTION, { method: 'POST', body: JSON.stringify({ ...docExampleBody(), countHits: i }) }).then((r) => r.status)),
      );
      const made = statuses.filter((s) => s === 201).length;
      expect(statuses.filter((s) => s !== 201 && s !== 507)).toEqual([]);
      const [row] = await sql<{ n: string }>(db.url, "SELECT count(*) AS n FROM mockgraph_entities WHERE entity_set = 'security/ipSecurityProfiles'");
      // Not one more than the limit, and not one fewer: a create refused near it was refused because the set was full.
      expect(Number(row?.n)).toBe(limit);
      expect(made).toBe(limit - 1);
      for (const s of [a!, b!]) expect(await (await call(s.base, `${COLLECTION}/$count`)).text()).toBe(String(limit));
    } finally {
      await stop(a!, b!);
      await db.drop();
    }
  });

  test(`walks: the ${MAX_WALKS.toLocaleString('en-US')} most recent are kept; an older one's $skiptoken is a 400 that says so, on any replica`, async () => {
    const db = await pg.createDatabase();
    const [a, b] = await Promise.all([0, 1].map(() => serve(['--data', db.url, '--quiet', '--page-size', '1'], { env: ENV })));
    try {
      expect((await call(a!.base, COLLECTION, { method: 'POST', body: JSON.stringify(docExampleBody()) })).status).toBe(201);
      const first = (await (await call(a!.base, COLLECTION)).json()) as { '@odata.nextLink'?: string };
      const oldest = first['@odata.nextLink'];
      expect(oldest).toBeDefined();
      expect((await call(b!.base, pathOf(oldest!))).status).toBe(200);

      // MAX_WALKS walks newer than it (as busy replicas would start), then the walks of its own after which it prunes.
      await sql(db.url, `INSERT INTO mockgraph_walks (id, query, created) SELECT 'w' || n, '{}', now() + interval '1 second' FROM generate_series(1, $1) AS n`, [MAX_WALKS]);
      for (let i = 1; i < WALKS_BETWEEN_PRUNES; i++) expect((await call(a!.base, COLLECTION)).status).toBe(200);

      const [kept] = await sql<{ n: string }>(db.url, 'SELECT count(*) AS n FROM mockgraph_walks');
      expect(Number(kept?.n)).toBe(MAX_WALKS);
      for (const s of [a!, b!]) {
        const stale = await call(s.base, pathOf(oldest!));
        expect(stale.status).toBe(400);
        const body = (await stale.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('BadRequest');
        expect(body.error.message).toContain(`it keeps the ${MAX_WALKS.toLocaleString('en-US')} most recent ones`);
      }
    } finally {
      await stop(a!, b!);
      await db.drop();
    }
  });
});

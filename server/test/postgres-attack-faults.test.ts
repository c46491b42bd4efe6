import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import request from 'supertest';
import { storeReady } from '../src/http/store-ready';
import { createMemoryStore } from '../src/store/memory-store';
import { storedBytes } from '../src/store/store';
import { generateProfiles } from '../src/seed/generate';
import { AUTH, COLLECTION, docExampleBody, graphErrorProblems, testApp } from './helpers';
import { call, runCliAsync, serve, tempDir } from './process-helpers';
import type { Served } from './process-helpers';
import { describePostgres } from './support/postgres';
import { attackKit, sleep } from './support/postgres-attack';

/*
 * Careless and hostile conditions around the PostgreSQL store: concurrent writers, a database that goes away or
 * stalls, and credentials in URLs, logs and answers (docs/stores.md says what each must give).
 */
describePostgres('attacks on the PostgreSQL store: concurrent writers, faults and credentials', (pg) => {
  jest.setTimeout(180_000);
  const { pgStore, listening, sqlClient, figures } = attackKit(pg);

  describe('concurrent writers', () => {
    test('30 concurrent creates with one client-supplied id: one 201, 29 409s, and the kept count is SELECT count(*)', async () => {
      const store = pgStore();
      const agent = request(listening(testApp({ store })));
      const statuses = (await Promise.all(Array.from({ length: 30 }, () => agent.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: 'dup' })))).map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(29);
      const health = (await agent.get('/_mockgraph/health')).body;
      expect(health.entitySets['security/ipSecurityProfiles']).toBe(1);
      // Churn: creates and deletes at once; the set's figures stay those of the rows.
      await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? agent.delete(`${COLLECTION}/c${i - 1}`).set(AUTH) : agent.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: `c${i}` }))));
      const f = await figures(store.schema);
      expect(f.kept).toBe(f.rows);
      expect(f.keptBytes).toBe(f.bytes);
      expect((await agent.get('/_mockgraph/health')).body.entitySets['security/ipSecurityProfiles']).toBe(f.rows);
    });

    test('concurrent PATCHes of different properties of one entity: every one is kept, as in memory', async () => {
      const lost: Record<string, number> = {};
      for (const [kind, store] of [['memory', createMemoryStore()], ['postgres', pgStore()]] as const) {
        const agent = request(listening(testApp({ store, seed: [{ ...docExampleBody(), id: 'one' }] })));
        lost[kind] = 0;
        for (let round = 1; round <= 10; round++) {
          const answers = await Promise.all([
            agent.patch(`${COLLECTION}/one`).set(AUTH).send({ address: `a${round}` }),
            agent.patch(`${COLLECTION}/one`).set(AUTH).send({ riskScore: `r${round}` }),
            agent.patch(`${COLLECTION}/one`).set(AUTH).send({ countHits: round }),
            agent.patch(`${COLLECTION}/one`).set(AUTH).send({ countHosts: round }),
          ]);
          expect(answers.map((r) => r.status)).toEqual([204, 204, 204, 204]);
          const e = (await agent.get(`${COLLECTION}/one`).set(AUTH)).body;
          lost[kind] += [e.address === `a${round}`, e.riskScore === `r${round}`, e.countHits === round, e.countHosts === round].filter((kept) => !kept).length;
        }
      }
      expect(lost).toEqual({ memory: 0, postgres: 0 });
    });

    test('--max-entities under 60 concurrent creates: the set never holds more than the limit', async () => {
      const store = pgStore();
      const agent = request(listening(testApp({ store, maxEntities: 25 })));
      const statuses = (await Promise.all(Array.from({ length: 60 }, (_, i) => agent.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: `q${i}` })))).map((r) => r.status);
      expect(new Set(statuses)).toEqual(new Set([201, 507]));
      const f = await figures(store.schema);
      expect(f.rows).toBeLessThanOrEqual(25);
      expect(statuses.filter((s) => s === 201)).toHaveLength(f.rows);
    });

    test('--max-data-size under 60 concurrent creates: the stored bytes never pass the limit', async () => {
      const one = storedBytes(JSON.stringify({ ...docExampleBody(), id: 'q00' }));
      const limit = one * 10 + 10;
      const store = pgStore();
      const agent = request(listening(testApp({ store, maxDataBytes: limit })));
      await Promise.all(Array.from({ length: 60 }, (_, i) => agent.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: `q${String(i).padStart(2, '0')}` })));
      expect(await store.dataBytes()).toBeLessThanOrEqual(limit);
    });

    test('a reset on one replica while another creates: health and the quotas still count the rows there are', async () => {
      const schema = `t_attack_${randomBytes(8).toString('hex')}`;
      const seed = [{ ...docExampleBody(), id: 'seeded' }];
      const a = request(listening(testApp({ store: pgStore({}, schema), seed })));
      const bApp = testApp({ store: pgStore({}, schema), seed });
      await storeReady(bApp);
      const b = request(listening(bApp));
      let n = 0;
      const seen: Array<{ rows: number; kept: number }> = [];
      for (let round = 0; round < 25; round++) {
        const creates = Array.from({ length: 30 }, () => a.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: `r${n++}` }));
        await sleep(2 + (round % 10) * 3);
        await Promise.all([...creates, b.post('/_mockgraph/reset').set('Content-Type', 'application/json')]);
        const f = await figures(schema);
        seen.push({ rows: f.rows, kept: f.kept });
        if (f.rows !== f.kept) break;
      }
      expect(seen.filter((f) => f.rows !== f.kept)).toEqual([]);
    });
  });

  describe('a database that goes away or stalls', () => {
    // A lock held elsewhere is not an outage: the database answers, so health stays ready (docs/stores.md).
    test('a write blocked past the 10 s statement timeout (a lock held elsewhere) is a 503 with Retry-After, not a 500; health stays ready', async () => {
      const store = pgStore();
      const app = testApp({ store, seed: [{ ...docExampleBody(), id: 'seeded' }] });
      await storeReady(app);
      const client = await sqlClient();
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${store.schema}.mockgraph_sets IN ACCESS EXCLUSIVE MODE`);
      try {
        const started = Date.now();
        const [created, patched, health] = await Promise.all([
          request(app).post(COLLECTION).set(AUTH).send(docExampleBody()),
          request(app).patch(`${COLLECTION}/seeded`).set(AUTH).send({ countHits: 3 }),
          request(app).get('/_mockgraph/health'),
        ]);
        expect(Date.now() - started).toBeLessThan(13_000);
        for (const res of [created, patched]) {
          expect(res.status).toBe(503);
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
          expect(graphErrorProblems(res.body)).toEqual([]);
        }
        expect(health.status).toBe(200);
      } finally {
        await client.query('ROLLBACK');
        await client.end();
      }
    });

    test('the database stopped: reads, writes, a $skiptoken, $batch and admin routes are 503 with Retry-After; an admin bulk create cut off by the stop leaves nothing', async () => {
      const cluster = await pg.startCluster();
      let served: Served | undefined;
      try {
        served = await serve(['--data', cluster.url, '--quiet', '--page-size', '2']);
        const base = served.base;
        for (let i = 0; i < 3; i++) expect((await call(base, COLLECTION, { method: 'POST', body: JSON.stringify({ ...docExampleBody(), id: `e${i}` }) })).status).toBe(201);
        const next = ((await (await call(base, COLLECTION)).json()) as { '@odata.nextLink': string })['@odata.nextLink'];
        const tokenPath = COLLECTION + new URL(next).search;
        await cluster.stopKeep();
        const requests: Array<[string, RequestInit]> = [
          [COLLECTION, {}],
          [tokenPath, {}],
          [`${COLLECTION}/e1`, { method: 'DELETE' }],
          [`${COLLECTION}/e1`, { method: 'PATCH', body: JSON.stringify({ countHits: 1 }) }],
          [COLLECTION, { method: 'POST', body: JSON.stringify(docExampleBody()) }],
          ['/_mockgraph/reset', { method: 'POST' }],
          ['/_mockgraph/entities', {}],
          ['/_mockgraph/profiles', {}],
          ['/_mockgraph/entities/security/ipSecurityProfiles', { method: 'POST', body: JSON.stringify([docExampleBody()]) }],
          ['/_mockgraph/entities/security/ipSecurityProfiles/e1', { method: 'DELETE' }],
          ['/_mockgraph/health', {}],
        ];
        for (const [path, init] of requests) {
          const res = await call(base, path, init);
          const body = (await res.json()) as { error?: unknown };
          expect([path, init.method, res.status, Number(res.headers.get('retry-after')) > 0]).toEqual([path, init.method, 503, true]);
          if (path !== '/_mockgraph/health') expect(graphErrorProblems(body)).toEqual([]);
        }
        const batch = await call(base, '/beta/$batch', {
          method: 'POST',
          body: JSON.stringify({ requests: [{ id: '1', method: 'GET', url: '/security/ipSecurityProfiles/e1' }, { id: '2', method: 'POST', url: '/security/ipSecurityProfiles', headers: { 'Content-Type': 'application/json' }, body: docExampleBody() }] }),
        });
        const inner = ((await batch.json()) as { responses: Array<{ status: number; headers: Record<string, string> }> }).responses;
        expect(inner.map((r) => [r.status, Number(r.headers['Retry-After']) > 0])).toEqual([[503, true], [503, true]]);

        await cluster.startAgain();
        const recovered = async () => {
          for (let t = Date.now(); Date.now() - t < 10_000; await sleep(100)) if ((await call(base, '/_mockgraph/health')).status === 200) return true;
          return false;
        };
        expect(await recovered()).toBe(true);
        const before = ((await (await call(base, '/_mockgraph/health')).json()) as { entitySets: Record<string, number> }).entitySets['security/ipSecurityProfiles'];
        const watcher = await sqlClient(cluster.url);
        const items = Array.from({ length: 700 }, (_, i) => ({ ...docExampleBody(), id: `bulk-${i}` }));
        const bulk = call(base, '/_mockgraph/entities/security/ipSecurityProfiles', { method: 'POST', body: JSON.stringify(items) });
        // The bulk create is one transaction: stop the database once it has written (holds a transaction id).
        for (let t = Date.now(); Date.now() - t < 10_000; await sleep(5)) {
          const { rows } = await watcher.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND datname = current_database() AND pid <> pg_backend_pid()");
          if (rows[0].n > 0) break;
        }
        await watcher.end();
        await cluster.stopKeep();
        expect((await bulk).status).toBe(503);
        await cluster.startAgain();
        expect(await recovered()).toBe(true);
        const after = ((await (await call(base, '/_mockgraph/health')).json()) as { entitySets: Record<string, number> }).entitySets['security/ipSecurityProfiles'];
        expect(after).toBe(before);
        expect(served.stderr()).not.toMatch(/unexpected error/);
      } finally {
        if (served) {
          served.child.kill('SIGTERM');
          await served.exited;
        }
        await cluster.stop();
      }
    });

    test("a reset whose connection is terminated mid-way (a failover, pg_terminate_backend): the server keeps running and answers 503, then recovers", async () => {
      const db = await pg.createDatabase();
      const dir = tempDir();
      const seedFile = join(dir, 'seed.json');
      writeFileSync(seedFile, JSON.stringify(generateProfiles(10_000, 3)));
      let child: ChildProcessWithoutNullStreams | undefined;
      const admin = await sqlClient();
      try {
        const served = await serve(['--data', db.url, '--quiet', '--seed', seedFile]);
        child = served.child;
        let exit: number | null | undefined;
        void served.exited.then((code) => (exit = code));
        const name = new URL(db.url).pathname.slice(1);
        const reset = fetch(`${served.base}/_mockgraph/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }).then(
          (r) => r.status,
          (err: unknown) => `no answer: ${String((err as { cause?: unknown }).cause ?? err)}`,
        );
        for (let t = Date.now(); Date.now() - t < 10_000; await sleep(5)) {
          const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'INSERT INTO mockgraph_entities%'", [name]);
          if (rows.length > 0) break;
        }
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        expect(await reset).toBe(503);
        await sleep(1000);
        expect(exit).toBeUndefined();
        let ok = false;
        for (let t = Date.now(); !ok && Date.now() - t < 10_000; await sleep(100)) ok = (await call(served.base, '/_mockgraph/health')).status === 200;
        expect(ok).toBe(true);
      } finally {
        child?.kill('SIGTERM');
        await admin.end();
        await sleep(200);
        await db.drop();
      }
    });
  });

  describe('credentials', () => {
    const PASSWORD = 'Hunter2-Secret-Pw';
    /** Everything a user can see of a serve run: its output and the answers of the routes that describe the store. */
    async function visibleOf(served: Served): Promise<string> {
      const seen: string[] = [];
      for (const path of ['/_mockgraph/health', '/_mockgraph/', '/', `${COLLECTION}?$filter=nope eq 1`, `${COLLECTION}/nope`, '/_mockgraph/requests']) {
        const res = await call(served.base, path);
        seen.push(JSON.stringify([...res.headers]), await res.text());
      }
      return [...seen, served.stdout(), served.stderr()].join('\n');
    }

    /** What a server started on a fresh database, with the password put into its URL by `place`, shows of itself. */
    async function visibleWithPassword(place: (u: URL) => void): Promise<string> {
      const db = await pg.createDatabase();
      const u = new URL(db.url);
      place(u);
      const served = await serve(['--data', u.toString()]);
      try {
        return await visibleOf(served);
      } finally {
        served.child.kill('SIGTERM');
        await served.exited;
        await db.drop();
      }
    }

    test('the password of a postgres://user:password@… URL is in no start line, log line, health or error', async () => {
      const seen = await visibleWithPassword((u) => (u.password = PASSWORD));
      expect(seen).toMatch(/postgres:\/\/postgres:\*\*\*@/);
      expect(new RegExp(`.{0,100}${PASSWORD}`).exec(seen)?.[0]).toBeUndefined();
    });

    test('the password of a postgres://user@…/db?password=… URL (which the driver reads) is in no start line, health or error either', async () => {
      // Only the text around the password, should it be there.
      expect(new RegExp(`.{0,100}${PASSWORD}`).exec(await visibleWithPassword((u) => u.searchParams.set('password', PASSWORD)))?.[0]).toBeUndefined();
    });

    test('a wrong password, an unreachable host and an unparseable URL: exit 2 with one line that never holds the password', async () => {
      const cluster = await pg.startCluster();
      try {
        const admin = await sqlClient(cluster.url);
        await admin.query("SET password_encryption = 'scram-sha-256'");
        await admin.query(`CREATE ROLE mguser LOGIN PASSWORD 'the-right-one'`);
        const { rows } = await admin.query<{ hba_file: string }>('SHOW hba_file');
        // Password authentication for mguser only; the cluster's own superuser keeps trust.
        await admin.query(`COPY (SELECT unnest(ARRAY['local all all trust', 'host all mguser 127.0.0.1/32 scram-sha-256', 'host all all 127.0.0.1/32 trust'])) TO '${rows[0]!.hba_file}'`);
        await admin.query('SELECT pg_reload_conf()');
        await admin.end();
        const port = new URL(cluster.url).port;
        const cases: Array<[string, RegExp]> = [
          [`postgres://mguser:${PASSWORD}@127.0.0.1:${port}/postgres`, /refused the connection: password authentication failed for user "mguser"/],
          [`postgres://mguser@127.0.0.1:${port}/postgres?password=${PASSWORD}`, /password authentication failed/],
          [`postgres://mguser:${PASSWORD}@127.0.0.1:1/postgres`, /cannot be reached \(ECONNREFUSED\); gave up after 1 s/],
          [`postgres://mguser:${PASSWORD}@no-such-host.invalid:5432/postgres`, /cannot be reached \((ENOTFOUND|EAI_AGAIN)\)/],
          [`postgres://mguser:${PASSWORD}#x@127.0.0.1:${port}/postgres`, /mockgraph: /],
        ];
        for (const [url, expected] of cases) {
          const result = await runCliAsync(['serve', '--port', '0', '--data', url, '--connect-timeout', '1']);
          const lines = result.stderr.trim().split('\n').filter((l) => !l.includes('waiting for'));
          expect([url, result.status, lines.length]).toEqual([url, 2, 1]);
          expect(lines[0]).toMatch(expected);
          expect(result.stdout + result.stderr).not.toContain(PASSWORD);
        }
      } finally {
        await cluster.stop();
      }
    });

    test('--connect-timeout edge values: out of range or not an integer is refused with one line; 0 tries once', async () => {
      const url = `postgres://u:${PASSWORD}@127.0.0.1:1/db`;
      for (const value of ['-1', '601', '1.5', '', 'abc', '1e1', '0x2']) {
        const result = await runCliAsync(['serve', '--port', '0', '--data', url, '--connect-timeout', value]);
        expect([value, result.status, result.stderr.trim()]).toEqual([value, 2, `mockgraph: --connect-timeout must be an integer from 0 to 600, got '${value}'`]);
      }
      const started = Date.now();
      const once = await runCliAsync(['serve', '--port', '0', '--data', url, '--connect-timeout', '0']);
      expect(once.status).toBe(2);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(once.stderr.trim()).toMatch(/^mockgraph: the PostgreSQL database at 127\.0\.0\.1:1\/db cannot be reached \(ECONNREFUSED\); gave up after 0 s$/);
      expect(once.stderr).not.toContain(PASSWORD);
    });
  });
});

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import request from 'supertest';
import { toStoredEntity } from '../src/graph/entity-shape';
import { createMockServer } from '../src/http/server';
import type { EntityStore } from '../src/index';
import { loadGraphDefinition } from '../src/index';
import type { Entity, EntityCollection } from '../src/store/store';
import { EVALUATION_SCHEDULER } from '../src/odata/query/scheduler';
import { generateProfiles } from '../src/seed/generate';
import { AUTH, COLLECTION, seededStore, testApp } from './helpers';

/**
 * Issue 10, §1 (and the security probe's three follow-ups at the end): with 50,000 seeded profiles plus an attacker's profile of 500 tags and long strings, no query
 * the parser accepts holds the event loop for more than 1 s, and /_mockgraph/health answers within 200 ms
 * while each runs. The server listens for real in this process; /_mockgraph/health is probed every 20 ms
 * from a child process, so a blocked event loop shows in its latencies.
 */

const PROFILES = 50_000;

function attacker(): Record<string, unknown> {
  const [base = {}] = generateProfiles(1, 99);
  const long = 'a1b2c3d4e5'.repeat(25_000);
  return { ...base, id: 'attacker', tags: Array.from({ length: 500 }, (_, i) => `tag-${i}-${'x'.repeat(i % 40)}`), address: long, vendorInformation: { provider: long, providerVersion: '1', subProvider: long, vendor: 'x' } };
}

function storeWithAttacker(): EntityStore {
  const store = seededStore(PROFILES);
  const { model } = loadGraphDefinition();
  const type = model.resolveType('microsoft.graph.ipSecurityProfile')!;
  store.collection('security/ipSecurityProfiles').insert(toStoredEntity(attacker(), 'attacker', type, model));
  return store;
}

/** The health probe, in its own process: one JSON line per answer, with its latency. */
const PROBE = `
const base = process.argv[1];
(async () => {
  for (;;) {
    const started = performance.now();
    let status = 0;
    try { const res = await fetch(base + '/_mockgraph/health'); await res.arrayBuffer(); status = res.status; } catch {}
    process.stdout.write(JSON.stringify({ ms: performance.now() - started, status }) + '\\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
})();`;

/** Starts the probe; `take()` returns the answers received since the last call. */
function startProbe(base: string): { child: ChildProcess; take: () => Array<{ ms: number; status: number }>; next: () => Promise<void> } {
  const child = spawn(process.execPath, ['-e', PROBE, base], { stdio: ['ignore', 'pipe', 'inherit'] });
  let answers: Array<{ ms: number; status: number }> = [];
  let waiting: Array<() => void> = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) answers.push(JSON.parse(line) as { ms: number; status: number });
    for (const resolve of waiting.splice(0)) resolve();
  });
  return {
    child,
    take: () => answers.splice(0),
    next: () => new Promise<void>((resolve) => waiting.push(resolve)),
  };
}

async function listen(store: EntityStore): Promise<{ server: Server; base: string }> {
  const server = createMockServer(testApp({ store }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const q = encodeURIComponent;
/** `n` terms joined by `op`. */
const terms = (n: number, term: (i: number) => string, op = 'or') => Array.from({ length: n }, (_, i) => term(i)).join(` ${op} `);

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: string;
}

/** `n` clients in their own process, each sending one request at once; their answers, in the order sent. */
const CLIENTS = `
const [url, n, token] = process.argv.slice(1);
(async () => {
  const answers = await Promise.all(Array.from({ length: Number(n) }, async () => {
    const started = performance.now();
    const res = await fetch(url, { headers: { Authorization: token } });
    const body = await res.text();
    return { status: res.status, ms: performance.now() - started, retryAfter: res.headers.get('retry-after'), body: body.slice(0, 300) };
  }));
  process.stdout.write(JSON.stringify(answers));
})();`;

function concurrently(url: string, n: number): Promise<Answer[]> {
  const child = spawn(process.execPath, ['-e', CLIENTS, url, String(n), AUTH.Authorization], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Answer[]) : reject(new Error(`clients exited with ${code}`)))));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;

/** The heaviest queries the parser still accepts (each within 100 nodes and one level of any/all). */
const WORST: Array<[string, string]> = [
  ['any() with a 98-node predicate over tags (/$count)', `/$count?$filter=${q(`tags/any(t: ${terms(24, (i) => `contains(t, 'zz${i}')`)})`)}`],
  ['all() with a 98-node predicate over tags', `?$count=true&$top=5&$filter=${q(`tags/all(t: ${terms(19, (i) => `not startswith(t, 'q${i}')`, 'and')})`)}`],
  ['three lambdas side by side', `/$count?$filter=${q(`tags/any(a: ${terms(8, (i) => `endswith(a, 'z${i}')`)}) or ipCategories/any(c: ${terms(6, (i) => `contains(c/description, 'z${i}')`)}) or ipReferenceData/all(r: ${terms(6, (i) => `contains(r/city, 'z${i}')`)})`)}`],
  ['a 250-value in-list, ordered', `?$orderby=countHits desc&$filter=${q(`address in (${terms(250, (i) => `'10.${i}.0.1'`, ',').replace(/ , /g, ',')})`)}`],
  ['a 19-term or-chain over one property', `/$count?$filter=${q(terms(19, (i) => `countHits eq ${i * 37}`))}`],
  ['$search + three-key $orderby + deep $skip', `?$search=${q('"e"')}&$orderby=${q('lastSeenDateTime desc,countHits,address')}&$skip=45000&$top=100`],
  ['$orderby=countHits&$skip=49000&$top=100', '?$orderby=countHits&$skip=49000&$top=100'],
  ['/$count with 14 contains(tolower()) over long strings', `/$count?$filter=${q(terms(7, (i) => `contains(tolower(address), '${'e5a1'.repeat(30)}${i}') or contains(tolower(vendorInformation/provider), 'zz${i}')`))}`],
  ['$search over long strings + $count', `?$search=${q(`"${'b2c3'.repeat(200)}"`)}&$count=true&$top=1`],
];

describe('query cost is bounded (50,000 profiles + an attacker profile of 500 tags)', () => {
  let server: Server;
  let base: string;
  let probe: ReturnType<typeof startProbe>;
  const delay = monitorEventLoopDelay({ resolution: 10 });

  beforeAll(async () => {
    ({ server, base } = await listen(storeWithAttacker()));
    await fetch(`${base}${COLLECTION}?$top=1`, { headers: AUTH });
    probe = startProbe(base);
    await probe.next();
    // Enabled once, reset per test: a histogram enabled just before a block may miss it.
    delay.enable();
  }, 120_000);
  afterAll(() => {
    delay.disable();
    probe.child.kill();
    server.close();
  });

  test.each(WORST)('%s: health answers within 200 ms meanwhile; the event loop is never held for 1 s', async (_name, path) => {
    probe.take();
    delay.reset();
    const started = performance.now();
    const res = await fetch(`${base}${COLLECTION}${path}`, { headers: AUTH });
    const answer = { status: res.status, body: await res.text(), ms: performance.now() - started };
    const heldMs = delay.max / 1e6;
    // The probe in flight when the query ended counts too.
    await probe.next();
    const answers = probe.take();
    const health = answers.map((a) => a.ms);
    const statuses = new Set(answers.map((a) => a.status));
    // Accepted by the parser: a 200, or the evaluation budget's 400 on a slow day; never a 500, never a limit.
    expect(answer.status === 400 ? answer.body : String(answer.status)).toMatch(/^200$|evaluation budget/);
    expect(health.length).toBeGreaterThan(0);
    expect(Math.max(...health)).toBeLessThan(200);
    expect([...statuses]).toEqual([200]);
    expect(heldMs).toBeLessThan(1000);
    expect(answer.ms).toBeLessThan(5000);
  }, 60_000);

  test("the issue's nested lambdas are refused at once (depth 2, 4 and 12)", async () => {
    const nested = (depth: number) => {
      let s = `v${depth} eq 'x'`;
      for (let d = depth; d >= 1; d--) s = `tags/any(v${d}: ${s})`;
      return s;
    };
    for (const depth of [2, 4, 12]) {
      const started = performance.now();
      const res = await fetch(`${base}${COLLECTION}/$count?$filter=${q(nested(depth))}`, { headers: AUTH });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect([res.status, body.error.code, body.error.message.startsWith("The Any/All nesting limit of '1' has been exceeded.")]).toEqual([400, 'BadRequest', true]);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  /** A heavy query the parser accepts: about 90 ms alone over 50,000 profiles, several slices. */
  const HEAVY = `?$count=true&$top=1&$select=id&$filter=${q(`tags/any(t: ${terms(20, (i) => `contains(t, 'zzq${i}')`)})`)}`;

  test('20 concurrent heavy queries take turns: health answers within 200 ms at the median, and the answers come one after another', async () => {
    probe.take();
    delay.reset();
    const answers = await concurrently(`${base}${COLLECTION}${HEAVY}`, 20);
    const heldMs = delay.max / 1e6;
    await probe.next();
    const health = probe.take();
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 200));
    // Two progress at a time, first come first served: the first answers long before the last (without turns, all finish together at the end).
    const times = answers.map((a) => a.ms).sort((a, b) => a - b);
    expect(times[0]!).toBeLessThan(0.5 * times[times.length - 1]!);
    expect(health.length).toBeGreaterThan(0);
    expect(median(health.map((h) => h.ms))).toBeLessThan(200);
    expect(Math.max(...health.map((h) => h.ms))).toBeLessThan(500);
    expect(new Set(health.map((h) => h.status))).toEqual(new Set([200]));
    expect(heldMs).toBeLessThan(1000);
  }, 60_000);

  test('beyond 2 running and 64 waiting, heavy queries are answered 503 ServiceUnavailable with Retry-After; the others are answered', async () => {
    const answers = await concurrently(`${base}${COLLECTION}${HEAVY}`, 90);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.length - refused.length).toBeGreaterThanOrEqual(66);
    for (const a of refused) {
      const { error } = JSON.parse(a.body) as { error: { code: string; message: string } };
      expect([a.status, a.retryAfter, error.code]).toEqual([503, '1', 'ServiceUnavailable']);
      expect(error.message).toMatch(/^The query was (refused|stopped): mockgraph is busy with other long queries/);
    }
    expect(refused.some((a) => a.body.includes('(64 are already waiting for their turn)'))).toBe(true);
    expect(EVALUATION_SCHEDULER.load).toEqual({ active: expect.any(Number), queued: 0 });
  }, 60_000);

  test('clients that disconnect while their query waits for its turn leave the queue', async () => {
    const controllers = Array.from({ length: 20 }, () => new AbortController());
    const pending = controllers.map((c) => fetch(`${base}${COLLECTION}${HEAVY}`, { headers: AUTH, signal: c.signal }).catch((err: unknown) => err));
    for (let i = 0; i < 100 && EVALUATION_SCHEDULER.load.queued < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(EVALUATION_SCHEDULER.load.queued).toBeGreaterThanOrEqual(5);
    for (const c of controllers) c.abort();
    await Promise.all(pending);
    for (let i = 0; i < 50 && EVALUATION_SCHEDULER.load.queued > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(EVALUATION_SCHEDULER.load.queued).toBe(0);
    expect((await fetch(`${base}${COLLECTION}?$top=1`, { headers: AUTH })).status).toBe(200);
  }, 30_000);
});

describe('one expensive entity at a time: long strings are metered, and so is sorting them', () => {
  /** A store of seeded profiles and `extra` profiles made by `shape` (the attacker's). */
  function storeWith(seeded: number, extra: number, shape: (i: number) => Record<string, unknown>): EntityStore {
    const store = seededStore(seeded);
    const { model } = loadGraphDefinition();
    const type = model.resolveType('microsoft.graph.ipSecurityProfile')!;
    const collection = store.collection('security/ipSecurityProfiles');
    generateProfiles(extra, 77).forEach((p, i) => collection.insert(toStoredEntity({ ...p, ...shape(i) }, `long-${i}`, type, model)));
    return store;
  }

  /** Serves `store`, runs `path` while health is probed; the answer, health latencies and the longest event-loop hold. */
  async function underProbe(store: EntityStore, paths: string[]): Promise<Array<{ status: number; body: string; health: number[]; statuses: number[]; heldMs: number }>> {
    const { server, base } = await listen(store);
    const probe = startProbe(base);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    try {
      await fetch(`${base}${COLLECTION}?$top=1`, { headers: AUTH });
      await probe.next();
      delay.enable();
      const out = [];
      for (const path of paths) {
        probe.take();
        delay.reset();
        const res = await fetch(`${base}${COLLECTION}${path}`, { headers: AUTH });
        const body = await res.text();
        const heldMs = delay.max / 1e6;
        await probe.next();
        const answers = probe.take();
        out.push({ status: res.status, body: body.slice(0, 300), health: answers.map((a) => a.ms), statuses: answers.map((a) => a.status), heldMs });
      }
      return out;
    } finally {
      delay.disable();
      probe.child.kill();
      server.close();
    }
  }

  function expectResponsive(run: { status: number; body: string; health: number[]; statuses: number[]; heldMs: number }): void {
    expect(run.status === 400 ? run.body : String(run.status)).toMatch(/^200$|evaluation budget/);
    expect(run.health.length).toBeGreaterThan(0);
    expect(median(run.health)).toBeLessThan(200);
    expect(Math.max(...run.health)).toBeLessThan(500);
    expect(new Set(run.statuses)).toEqual(new Set([200]));
    expect(run.heldMs).toBeLessThan(1000);
  }

  test("16 profiles whose address is 'İ' × 450,000: contains(tolower()) ×16, tolower and toupper mixed, and $search each hold the loop briefly", async () => {
    const store = storeWith(1000, 16, () => ({ address: 'İ'.repeat(450_000) }));
    const runs = await underProbe(store, [
      `/$count?$filter=${q(terms(16, (i) => `contains(tolower(address), 'zz${i}')`))}`,
      `/$count?$filter=${q(terms(16, (i) => `contains(${i % 2 ? 'tolower' : 'toupper'}(address), '${i % 2 ? 'zz' : 'ZZ'}${i}')`))}`,
      `/$count?$search=${q('"zz"')}`,
    ]);
    for (const run of runs) expectResponsive(run);
  }, 60_000);

  test("16,400 profiles whose address is 'a' × 14,000 and digits: $orderby=address with $top=200 (a full sort) and $top=100 (a page) hold the loop briefly", async () => {
    // The page's worst case: every profile beats the ones before it, so each is inserted.
    const store = storeWith(0, 16_400, (i) => ({ address: `${'a'.repeat(14_000)}${i % 2 ? String(Math.random()).slice(2) : String(1e9 - i)}` }));
    const runs = await underProbe(store, ['?$orderby=address&$top=200', '?$orderby=address&$top=100&$select=id']);
    for (const run of runs) expectResponsive(run);
  }, 120_000);
});

describe('a client that disconnects stops its query', () => {
  /** A collection whose every read costs about 50 µs, standing in for an expensive predicate, and counts reads. */
  function slowStore(inner: EntityStore, reads: { n: number }): EntityStore {
    const wrap = (c: EntityCollection): EntityCollection =>
      Object.assign(Object.create(c) as EntityCollection, {
        *values() {
          for (const e of c.values() as Iterable<Entity>) {
            reads.n++;
            const until = performance.now() + 0.05;
            while (performance.now() < until);
            yield e;
          }
        },
      });
    return Object.assign(Object.create(inner) as EntityStore, { collection: (path: string) => wrap(inner.collection(path)) });
  }

  test('the scan stops soon after the connection closes, long before it would have finished', async () => {
    const reads = { n: 0 };
    const { server, base } = await listen(slowStore(seededStore(20_000), reads));
    try {
      const controller = new AbortController();
      const pending = fetch(`${base}${COLLECTION}/$count?$filter=${q('countHits ge 0')}`, { headers: AUTH, signal: controller.signal }).catch((err: unknown) => err);
      await new Promise((resolve) => setTimeout(resolve, 150));
      controller.abort();
      await pending;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const afterAbort = reads.n;
      await new Promise((resolve) => setTimeout(resolve, 300));
      // 20,000 reads would take about a second; the scan stopped within a slice of the disconnect.
      expect(reads.n).toBe(afterAbort);
      expect(afterAbort).toBeGreaterThan(0);
      expect(afterAbort).toBeLessThan(10_000);
      const health = await fetch(`${base}/_mockgraph/health`);
      expect(health.status).toBe(200);
    } finally {
      server.close();
    }
  });
});

describe('the evaluation budget over HTTP', () => {
  test('a query past the budget is a Graph 400 naming the budget, and the server keeps serving', async () => {
    const app = testApp({ store: seededStore(20_000), queryBudgetMs: 5 });
    const heavy = Array.from({ length: 12 }, (_, i) => `contains(tolower(address), '${i}.${i}')`).join(' or ');
    for (const path of [`${COLLECTION}?$filter=${q(heavy)}&$orderby=countHits`, `${COLLECTION}/$count?$filter=${q(heavy)}`]) {
      const res = await request(app).get(path).set(AUTH);
      expect([res.status, res.body.error?.code]).toEqual([400, 'BadRequest']);
      expect(res.body.error.message).toContain("exceeded mockgraph's 5-millisecond evaluation budget");
    }
    expect((await request(app).get(`${COLLECTION}?$top=1`).set(AUTH)).status).toBe(200);
  });
});

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
import type { EntityCollection } from '../src/store/store';
import { generateProfiles } from '../src/seed/generate';
import { AUTH, COLLECTION, seededStore, testApp } from './helpers';

/**
 * Issue 10, §1: with 50,000 seeded profiles plus an attacker's profile of 500 tags and long strings, no query
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
});

describe('a client that disconnects stops its query', () => {
  /** A collection whose every read costs about 50 µs, standing in for an expensive predicate, and counts reads. */
  function slowStore(inner: EntityStore, reads: { n: number }): EntityStore {
    const wrap = (c: EntityCollection): EntityCollection =>
      Object.assign(Object.create(c) as EntityCollection, {
        *values() {
          for (const e of c.values()) {
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

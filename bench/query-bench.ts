import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { toStoredEntity } from '../server/src/graph/entity-shape';
import { createApp, createMemoryStore, loadGraphDefinition } from '../server/src/index';
import type { EntityStore } from '../server/src/index';
import { generateProfiles } from '../server/src/seed/generate';

/** The query of issue 4's target: an `and` of two comparisons, an `$orderby` and `$top=100`. */
const FILTER_QUERY = "$filter=countHits ge 2500 and riskScore ne '0'&$orderby=lastSeenDateTime desc&$top=100";

function store(count: number): EntityStore {
  const { model } = loadGraphDefinition();
  const type = model.resolveType('microsoft.graph.ipSecurityProfile')!;
  const s = createMemoryStore();
  const c = s.collection('security/ipSecurityProfiles');
  for (const p of generateProfiles(count, 42)) c.insert(toStoredEntity(p, String(p.id), type, model));
  return s;
}

async function listen(count: number): Promise<{ server: Server; base: string }> {
  const server = createApp({ store: store(count) }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const HEADERS = { Authorization: 'Bearer bench' };

async function timed(url: string): Promise<{ ms: number; body: { value: unknown[]; '@odata.nextLink'?: string } }> {
  const started = process.hrtime.bigint();
  const res = await fetch(url, { headers: HEADERS });
  const body = (await res.json()) as { value: unknown[]; '@odata.nextLink'?: string };
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, body };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Median latency of the filter query over `runs` sequential requests (after warm-up). */
async function filterQuery(count: number, runs: number): Promise<{ medianMs: number; p90Ms: number; rows: number }> {
  const { server, base } = await listen(count);
  const url = `${base}/beta/security/ipSecurityProfiles?${FILTER_QUERY}`;
  for (let i = 0; i < 3; i++) await timed(url);
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const r = await timed(url);
    times.push(r.ms);
    rows = r.body.value.length;
  }
  server.close();
  const sorted = [...times].sort((a, b) => a - b);
  return { medianMs: median(times), p90Ms: sorted[Math.floor(sorted.length * 0.9)] ?? NaN, rows };
}

/** Total time to follow @odata.nextLink through every page of an ordered collection. */
async function walk(count: number): Promise<{ totalMs: number; pages: number; rows: number; firstPageMs: number; laterPageMedianMs: number }> {
  const { server, base } = await listen(count);
  await timed(`${base}/beta/security/ipSecurityProfiles?$top=1`);
  let url: string | undefined = `${base}/beta/security/ipSecurityProfiles?$orderby=countHits desc`;
  const times: number[] = [];
  let rows = 0;
  while (url) {
    const r = await timed(url);
    times.push(r.ms);
    rows += r.body.value.length;
    url = r.body['@odata.nextLink'];
  }
  server.close();
  return { totalMs: times.reduce((a, b) => a + b, 0), pages: times.length, rows, firstPageMs: times[0] ?? NaN, laterPageMedianMs: median(times.slice(1)) };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** `npm run bench:query`: the query engine's figures (issue 4), printed and written to bench/results/query.json. */
export async function main(): Promise<void> {
  const filter100k = await filterQuery(100_000, 30);
  const walk10k = await walk(10_000);
  const walk100k = await walk(100_000);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    filterQuery: { query: FILTER_QUERY, profiles: 100_000, ...filter100k, medianMs: round(filter100k.medianMs), p90Ms: round(filter100k.p90Ms), targetMedianMs: 50 },
    walk: {
      '10k': { ...walk10k, totalMs: round(walk10k.totalMs) },
      '100k': { ...walk100k, totalMs: round(walk100k.totalMs) },
      growth: round(walk100k.totalMs / walk10k.totalMs),
      target: 'about 10x from 10k to 100k (linear), not 100x',
    },
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'query.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateProfiles } from '../server/src/seed/generate';

const ROOT = join(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The round with the median throughput. */
function medianFigure(figures: Figure[]): Figure {
  return [...figures].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(figures.length / 2)]!;
}
const FILTER = "$filter=countHits ge 2500 and riskScore ne '0'&$orderby=lastSeenDateTime desc&$top=100";

type Kind = 'ceiling' | 'floor' | 'mockgraph';
interface Started {
  child: ChildProcess;
  port: number;
  startupMs: number;
}

/** Starts a server process and resolves when it says where it listens. */
function startServer(kind: Kind, seedFile: string | undefined): Promise<Started> {
  const args =
    kind === 'mockgraph'
      ? // The create rounds store tens of thousands of profiles: the default --max-entities would answer 507 on a fast machine.
        [join(ROOT, 'bin', 'mockgraph.js'), 'serve', '--port', '0', '--quiet', '--max-entities', '10000000', '--max-data-size', '16gb', ...(seedFile ? ['--seed', seedFile] : [])]
      : [join(ROOT, 'scripts', 'run-ts.js'), join(ROOT, 'bench', 'baselines', kind === 'ceiling' ? 'bare-http.ts' : 'minimal-express.ts'), '0', seedFile ?? ''];
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /(?:listening |127\.0\.0\.1:)(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), startupMs: Number(process.hrtime.bigint() - started) / 1e6 });
    });
    child.on('exit', (code) => reject(new Error(`${kind} exited with ${code}: ${out}`)));
  });
}

function stop(s: Started): Promise<void> {
  return new Promise((resolve) => {
    s.child.removeAllListeners('exit');
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 102.4) / 10;
}

interface Figure {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

async function load(port: number, request: { method: 'GET' | 'POST'; path: string; body?: string }, seconds = SECONDS, connections = CONNECTIONS): Promise<Figure> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${request.path}`,
    method: request.method,
    body: request.body,
    headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
    connections,
    duration: seconds,
  });
  return { requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx };
}

function seedFile(dir: string, count: number): string {
  const file = join(dir, `seed-${count}.json`);
  writeFileSync(file, JSON.stringify(generateProfiles(count, 42)));
  return file;
}

/** `npm run bench`: mockgraph against two baselines in one run; writes bench/results/ and prints a table. */
export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mockgraph-bench-'));
  const seeds = { 1000: seedFile(dir, 1000), 10000: seedFile(dir, 10_000), 100000: seedFile(dir, 100_000) };
  const docBody = JSON.stringify((JSON.parse(readFileSync(join(ROOT, 'schemas', 'requests', 'ipSecurityProfile.create.doc.schema.json'), 'utf8')) as { examples: unknown[] }).examples[0]);
  const scenarios = [
    { name: 'create (the doc request body)', seed: undefined, request: { method: 'POST' as const, path: '/beta/security/ipSecurityProfiles', body: docBody } },
    { name: 'get by id', seed: seeds[1000], request: { method: 'GET' as const, path: '/beta/security/ipSecurityProfiles/seed-42-500' } },
    { name: 'list $top=100 of 10,000', seed: seeds[10000], request: { method: 'GET' as const, path: '/beta/security/ipSecurityProfiles?$top=100' } },
    { name: '$filter + $orderby + $top=100 over 100,000', seed: seeds[100000], request: { method: 'GET' as const, path: `/beta/security/ipSecurityProfiles?${FILTER}` } },
  ];
  const throughput: Record<string, Record<Kind, Figure>> = {};
  const KINDS = ['ceiling', 'floor', 'mockgraph'] as const;
  for (const scenario of scenarios) {
    // The three servers run side by side; load goes to one at a time, in alternating rounds, and each
    // figure is the median round, so a noisy moment on this shared machine hits every server alike.
    const servers = await Promise.all(KINDS.map((kind) => startServer(kind, scenario.seed)));
    const rounds: Record<Kind, Figure[]> = { ceiling: [], floor: [], mockgraph: [] };
    for (const [i, kind] of KINDS.entries()) await load(servers[i]!.port, scenario.request, 3);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, kind] of KINDS.entries()) rounds[kind].push(await load(servers[i]!.port, scenario.request));
    }
    await Promise.all(servers.map(stop));
    throughput[scenario.name] = Object.fromEntries(KINDS.map((kind) => [kind, medianFigure(rounds[kind])])) as Record<Kind, Figure>;
    process.stderr.write(`${scenario.name}: ${KINDS.map((k) => `${k} ${rounds[k].map((f) => f.requestsPerSecond).join('/')}`).join(', ')} req/s\n`);
  }

  const sizes: Record<string, { startupMs: number; rssMb: number; filterP50Ms: number }> = {};
  for (const [count, file] of Object.entries(seeds)) {
    const startups: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await startServer('mockgraph', file);
      startups.push(s.startupMs);
      if (i < 2) await stop(s);
      else {
        // One connection: the latency of the query itself, not of a queue of them.
        const filter = await load(s.port, { method: 'GET', path: `/beta/security/ipSecurityProfiles?${FILTER}` }, 3, 1);
        sizes[count] = { startupMs: Math.round(Math.min(...startups)), rssMb: rssMb(s.child.pid!), filterP50Ms: filter.p50Ms };
        await stop(s);
      }
    }
    process.stderr.write(`${count} profiles: ${JSON.stringify(sizes[count])}\n`);
  }

  const ratio = (name: string, base: Kind) => Math.round((throughput[name]!.mockgraph.requestsPerSecond / throughput[name]![base].requestsPerSecond) * 100) / 100;
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    settings: { secondsPerRound: SECONDS, rounds: ROUNDS, connections: CONNECTIONS },
    throughput,
    ratios: Object.fromEntries(scenarios.map((s) => [s.name, { toCeiling: ratio(s.name, 'ceiling'), toFloor: ratio(s.name, 'floor') }])),
    sizes,
    growth1kTo100k: { startup: Math.round((sizes['100000']!.startupMs / sizes['1000']!.startupMs) * 10) / 10, rss: Math.round((sizes['100000']!.rssMb / sizes['1000']!.rssMb) * 10) / 10, filterP50: Math.round((sizes['100000']!.filterP50Ms / Math.max(1, sizes['1000']!.filterP50Ms)) * 10) / 10 },
    targets: {
      'create ≥ 85% of the floor': ratio(scenarios[0]!.name, 'floor') >= 0.85,
      'get by id ≥ 85% of the floor': ratio(scenarios[1]!.name, 'floor') >= 0.85,
      '100k filter median < 50 ms': sizes['100000']!.filterP50Ms < 50,
      'RSS < 400 MB at 100k': sizes['100000']!.rssMb < 400,
      'startup < 500 ms with 1k': sizes['1000']!.startupMs < 500,
    },
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'bench.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

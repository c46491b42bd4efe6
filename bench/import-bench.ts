import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDocs } from '../contract-tests/src/import/import';

/**
 * The cost targets of issue 11: importing a 100 KB enums page (under 1 s), and start-up with five resources of
 * 10,000 entities each (under 2 s), against one resource of 10,000 started in the same run.
 */
const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'mockgraph.js');
const RUNS = Number(process.env.BENCH_ROUNDS ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const spread = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;

/** A page in the form of Graph's enums.md, of about `bytes` bytes: enum tables of members with values and descriptions. */
function enumsPage(bytes: number): string {
  const parts = ['---\ntitle: "Enum values"\ndoc_type: enumPageType\n---\n\n# Enum values\n\nNamespace: microsoft.graph\n'];
  let size = parts[0]!.length;
  for (let e = 0; size < bytes; e++) {
    const rows = Array.from({ length: 12 }, (_, m) => `| member${e}x${m} | ${m} | The ${m}th member of the ${e}th enumeration, as Graph's enum pages describe theirs. |`);
    const table = `\n### benchEnum${e} values\n\n| Member | Value | Description |\n|:---|:---|:---|\n${rows.join('\n')}\n`;
    parts.push(table);
    size += table.length;
  }
  return parts.join('');
}

/** Spawn to exit of a CLI run, in ms. */
function timedCli(args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mockgraph ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Spawn to the first answer of `GET /_mockgraph/health`, in ms; `filled` entity sets must hold entities by then. */
async function startup(args: string[], filled: number): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  const res = await fetch(`http://127.0.0.1:${port}/_mockgraph/health`);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const sets = ((await res.json()) as { entitySets: Record<string, number> }).entitySets;
  child.removeAllListeners('exit');
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  if (Object.values(sets).filter((n) => n >= 10_000).length !== filled) throw new Error(`expected ${filled} entity sets of 10,000: ${JSON.stringify(sets)}`);
  return ms;
}

/** Runs the import and start-up measurements; writes bench/results/import.json. */
export async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'mockgraph-import-bench-'));
  try {
    await measureIn(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function measureIn(work: string): Promise<void> {
  const page = enumsPage(100 * 1024);
  const pageFile = join(work, 'enums.md');
  writeFileSync(pageFile, page);
  const inProcess: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const result = importDocs({ pages: [{ file: 'enums.md', text: page }] });
    inProcess.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.files.length === 0) throw new Error('the enums page gave no schema');
  }
  const cli = Array.from({ length: RUNS }, () => timedCli(['import-docs', '--out', join(work, 'enums-out'), pageFile]));
  // The CLI's fixed cost, measured the same way: --help loads the same modules and imports nothing.
  const cliFloor = Array.from({ length: RUNS }, () => timedCli(['import-docs', '--help']));

  // Five resources: the three of schemas/, plus securityAction and the importer's widget fixture, imported here.
  const schemas = join(work, 'schemas');
  timedCli(['import-docs', '--out', schemas, 'contract-tests/fixtures/import/security-actions', 'contract-tests/fixtures/import/resources', 'contract-tests/fixtures/import/api']);
  const seed = join(work, 'five.json');
  const seedOne = join(work, 'one.json');
  timedCli(['seed', '--schemas', schemas, '--count', '10000', '--out', seed]);
  timedCli(['seed', '--set', 'security/ipSecurityProfiles', '--count', '10000', '--out', seedOne]);
  const five: number[] = [];
  const one: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    one.push(await startup(['--quiet', '--seed', seedOne], 1));
    five.push(await startup(['--quiet', '--schemas', schemas, '--seed', seed], 5));
  }
  const sets = readdirSync(join(schemas, 'graph')).length;
  const report = {
    enumsPage: { bytes: page.length, inProcessMedianMs: Math.round(median(inProcess)), inProcessSpreadMs: spread(inProcess), cliMedianMs: Math.round(median(cli)), cliSpreadMs: spread(cli), cliFixedCostMedianMs: Math.round(median(cliFloor)) },
    startup: { fiveResourcesMedianMs: Math.round(median(five)), fiveSpreadMs: spread(five), oneResourceMedianMs: Math.round(median(one)), oneSpreadMs: spread(one), ratio: Math.round((median(five) / median(one)) * 100) / 100, importedSchemaFiles: sets },
    targets: { 'import of a 100 KB enums page < 1 s (in process)': median(inProcess) < 1000, 'start-up, 5 resources x 10,000 < 2 s': median(five) < 2000 },
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'import.json'), JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

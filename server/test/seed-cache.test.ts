import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSeedCacheFile, writeSeedCacheFile } from '../src/graph/seed-cache-file';
import { VALIDATOR_CACHE_DIR } from '../src/graph/validator-cache';
import { generateProfiles } from '../src/seed/generate';
import { call, runCli, serve, tempDir } from './process-helpers';

/** `serve --seed` twice over one seed file: the second start reads the seed cache, and a damaged cache falls back. */

const PATH = '/beta/security/ipSecurityProfiles';
const QUERIES = [`${PATH}?$top=3&$orderby=countHits desc&$count=true`, `${PATH}/seed-9-42`, `${PATH}?$filter=countHits ge 5000&$select=id,countHits&$top=5`];

/** The answers of one start (its own origin written as ORIGIN), and the cache folder's files once it has written them. */
async function answers(seed: string, env: Record<string, string>): Promise<string[]> {
  const s = await serve(['--seed', seed, '--quiet'], { env });
  try {
    const out: string[] = [];
    for (const q of QUERIES) {
      const res = await call(s.base, q);
      out.push(`${res.status} ${(await res.text()).split(s.base).join('ORIGIN')}`);
    }
    return out;
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
  }
}

const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cache')) : []);

async function waitForCache(dir: string): Promise<string> {
  for (let i = 0; i < 200 && cacheFiles(dir).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  const [name] = cacheFiles(dir);
  if (name === undefined) throw new Error('no seed cache file was written');
  return join(dir, name);
}

const keyOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8').split('\n', 1)[0]!) as { key: string }).key;

describe('the seed cache of serve --seed', () => {
  const dir = tempDir();
  const seed = join(dir, 'seed.json');
  // Over the cache's lower bound (128 KiB): smaller seeds are only prepared.
  writeFileSync(seed, JSON.stringify(generateProfiles(300, 9)));
  const cache = join(dir, 'cache');
  const env = { MOCKGRAPH_SEED_CACHE: cache };

  test('the second start reads the prepared seed from the cache and answers the same', async () => {
    const first = await answers(seed, env);
    expect(first.map((a) => a.slice(0, 3))).toEqual(['200', '200', '200']);
    const file = await waitForCache(cache);
    // What the second start serves comes from the cache file: a valid file with one entity changed shows it.
    const read = readSeedCacheFile(file, keyOf(file))!;
    expect(await answers(seed, env)).toEqual(first);
    const [path, entities] = [...read.seed][0]!;
    const changed = new Map([[path, entities.map((e) => (e.id === 'seed-9-42' ? { ...e, countHosts: 123456789 } : e))]]);
    for (const _ of writeSeedCacheFile(file, keyOf(file), changed, 1e9));
    expect((await answers(seed, env))[1]).toContain('"countHosts":123456789');
    // A damaged file is not read: the seed is prepared again (the same answers as the first start) and re-cached.
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] = 0x7b;
    writeFileSync(file, bytes);
    expect(await answers(seed, env)).toEqual(first);
    for (let i = 0; i < 200 && readSeedCacheFile(file, keyOf(file)) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    expect(readSeedCacheFile(file, keyOf(file))).toBeDefined();
    expect(await answers(seed, env)).toEqual(first);
  }, 60_000);

  test('a seed that fails validation fails the same way on every start and is never cached; MOCKGRAPH_SEED_CACHE=off writes nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([...generateProfiles(300, 9), { '@odata.type': '#microsoft.graph.ipSecurityProfile', id: 'x', countHits: 'many' }]));
    const badCache = join(dir, 'bad-cache');
    const runs = [1, 2].map(() => runCli(['serve', '--port', '0', '--seed', bad], { env: { MOCKGRAPH_SEED_CACHE: badCache } }));
    expect(runs.map((r) => r.status)).toEqual([2, 2]);
    expect(runs[1]!.stderr).toBe(runs[0]!.stderr);
    expect(runs[0]!.stderr).toContain(`mockgraph: seed file ${bad}: record [300]: countHits`);
    expect(cacheFiles(badCache)).toEqual([]);
    // Off: not even the default folder gets the file the first test's starts wrote.
    const [name] = cacheFiles(cache);
    await answers(seed, { MOCKGRAPH_SEED_CACHE: 'off' });
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(join(VALIDATOR_CACHE_DIR, name!))).toBe(false);
  }, 60_000);
});

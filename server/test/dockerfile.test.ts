import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './process-helpers';

const ROOT = join(__dirname, '..', '..');

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(): Array<{ op: string; args: string; stage: number }> {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  let stage = -1;
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      if (op.toUpperCase() === 'FROM') stage++;
      return { op: op.toUpperCase(), args: rest.join(' '), stage };
    });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const all = instructions();
const runtime = all.filter((i) => i.stage === Math.max(...all.map((x) => x.stage)));

describe('Dockerfile', () => {
  test('is multi-stage: a build stage, then node:20-slim running as a non-root user', () => {
    expect(all.filter((i) => i.op === 'FROM').map((i) => i.args)).toEqual(['node:20-slim AS build', 'node:20-slim']);
    expect(runtime.find((i) => i.op === 'USER')?.args).toBe('node');
    expect(runtime.find((i) => i.op === 'EXPOSE')?.args).toBe('4000');
    expect(runtime.find((i) => i.op === 'VOLUME')?.args).toBe('/data');
    expect(runtime.find((i) => i.op === 'HEALTHCHECK')?.args).toMatch(/CMD \["node", "-e",/);
  });

  test('every path it copies from the context exists, and the scripts it runs exist', () => {
    const sources = all.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const runs = all.filter((i) => i.op === 'RUN').flatMap((i) => [...i.args.matchAll(/npm run (\S+)/g)].map((m) => m[1] ?? ''));
    expect(runs).toEqual(['build']);
    expect(runs.every((r) => r in scripts)).toBe(true);
    const cmd = JSON.parse(runtime.find((i) => i.op === 'CMD')?.args ?? '[]') as string[];
    expect(existsSync(join(ROOT, cmd[1] ?? ''))).toBe(true);
  });

  test('.dockerignore keeps node_modules, dist and data files out of the context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', 'dist', '.git', '*.db']) expect(ignored).toContain(p);
  });

  test('its CMD with its ENV, run on this host, listens on 0.0.0.0 and answers the health check', async () => {
    const env: Record<string, string> = {};
    for (const i of runtime.filter((x) => x.op === 'ENV')) for (const m of i.args.matchAll(/(\w+)=(\S+)/g)) env[m[1] ?? ''] = m[2] ?? '';
    expect(env).toMatchObject({ MOCKGRAPH_HOST: '0.0.0.0', MOCKGRAPH_DATA: '/data/mockgraph.db' });
    // /data is the container's volume and 4000 may be taken here: only those two are moved.
    const port = await freePort();
    const cmd = JSON.parse(runtime.find((i) => i.op === 'CMD')?.args ?? '[]') as string[];
    const child = spawn(process.execPath, cmd.slice(1), { cwd: ROOT, env: { ...process.env, ...env, MOCKGRAPH_PORT: String(port), MOCKGRAPH_DATA: join(tempDir(), 'mockgraph.db') } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      for (let i = 0; i < 50 && !out.includes('serving'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/serving http:\/\/localhost:\d+\/beta/);
      const listening = readFileSync('/proc/net/tcp', 'utf8').split('\n').some((l) => l.includes(`00000000:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A`));
      expect(listening).toBe(true);
      const health = await fetch(`http://127.0.0.1:${port}/_mockgraph/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { store: string }).store).toMatch(/^sqlite:/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** True once the port can be bound again, i.e. the server let go of it. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer().once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * `npm start` in its own process group, as a terminal runs it. --ignore-scripts skips only the prestart build (npm
 * test has built already; a build inside a test would rewrite dist/ under other running tests): the start script runs as is.
 */
async function npmStart(): Promise<{ pid: number; port: number; output: () => string }> {
  const port = await freePort();
  const child = spawn('npm', ['start', '--ignore-scripts', '--', '--port', String(port), '--quiet'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const up = await until(() => fetch(`http://127.0.0.1:${port}/_mockgraph/health`).then((r) => r.ok, () => false), 20_000);
  if (!up) {
    process.kill(-(child.pid as number), 'SIGKILL');
    throw new Error(`npm start did not answer /_mockgraph/health within 20 s: ${output}`);
  }
  return { pid: child.pid as number, port, output: () => output };
}

describe('stopping npm start', () => {
  test.each([
    ['SIGTERM', "npm's process only"],
    ['SIGINT', "npm's process only"],
    ['SIGKILL', "npm's process only"],
    ['SIGINT', 'the process group (Ctrl-C)'],
  ] as const)('%s to %s frees the port within a few seconds', async (signal, target) => {
    const started = await npmStart();
    try {
      process.kill(target === 'the process group (Ctrl-C)' ? -started.pid : started.pid, signal);
      // SIGTERM and SIGINT reach the server (npm passes them on and the script execs node); after SIGKILL, which
      // npm cannot pass on, the server notices that its parent is gone.
      expect([signal, await until(() => portIsFree(started.port), 5_000), started.output()]).toEqual([signal, true, expect.any(String)]);
    } finally {
      try {
        process.kill(-started.pid, 'SIGKILL');
      } catch {
        // The whole group has exited already.
      }
    }
  }, 40_000);
});

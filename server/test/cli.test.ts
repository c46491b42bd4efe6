import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, runCli, serve, tempDir } from './process-helpers';
import { docExampleBody } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';

describe('mockgraph CLI', () => {
  test('--help and serve --help list commands and every flag with its default', () => {
    expect(runCli(['--help']).stdout).toContain('mockgraph seed --count N');
    const help = runCli(['serve', '--help']);
    expect(help.status).toBe(0);
    for (const flag of ['--port N', '--host ADDR', '--auth', '--validation', '--seed FILE', '--data FILE', '--latency MIN-MAX', '--fail-rate P', '--throttle N/SECONDS', '--cors-origin', '--quiet']) expect(help.stdout).toContain(flag);
    expect(help.stdout).toContain('default: 4000; env MOCKGRAPH_PORT');
  });

  test.each([
    [['serve', '--bogus'], "mockgraph: unknown option '--bogus' (mockgraph serve --help lists its options)"],
    [['serve', '--prot', '5000'], 'did you mean --port?'],
    [['serve', '--port', '-1'], "mockgraph: --port must be an integer from 0 to 65535, got '-1'"],
    [['serve', '--port'], 'mockgraph: --port needs a value: --port N'],
    [['token', '--expires-in', 'soon'], "mockgraph: --expires-in must be a whole number of seconds (negative for an expired token), got 'soon'"],
    [['seed', '--count', '-5'], "mockgraph: --count must be an integer from 0 to 1000000, got '-5'"],
    [['help', 'frobnicate'], "mockgraph: unknown command 'frobnicate'"],
    [['serve', '--port', 'x'], "mockgraph: --port must be an integer from 0 to 65535, got 'x'"],
    [['serve', '--validation', 'strict'], 'mockgraph: --validation must be one of doc, metadata'],
    [['frobnicate'], "mockgraph: unknown command 'frobnicate'"],
    [['contract', '--repotrer', 'junit'], "mockgraph: unknown option '--repotrer' (mockgraph contract --help lists its options); did you mean --reporter?"],
    [['lint-docs', '--jsno', 'x.md'], "mockgraph: unknown option '--jsno' (mockgraph lint-docs --help lists its options); did you mean --json?"],
    [['import-docs', '--out'], 'mockgraph: --out needs a value (mockgraph import-docs --help lists its options)'],
  ])('%j exits 2 with a one-line reason', (args, message) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
  });

  test('every command the overview lists answers --help, -h and help COMMAND with its usage, exit 0', () => {
    const overview = runCli(['--help']);
    expect(overview.status).toBe(0);
    const names = [...overview.stdout.matchAll(/^ {2}mockgraph ([a-z-]+)/gm)].map((m) => m[1] as string);
    expect(names).toEqual(expect.arrayContaining(['serve', 'token', 'seed', 'contract', 'lint-docs', 'import-docs', 'openapi', 'cert', 'version', 'help']));
    for (const name of names) {
      for (const args of [[name, '--help'], [name, '-h'], ['help', name]]) {
        const r = runCli(args);
        expect([args, r.status, r.stderr]).toEqual([args, 0, '']);
        expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^mockgraph ${name}\\b`));
      }
    }
    const token = runCli(['token', '--help']).stdout;
    for (const flag of ['--scp', '--roles', '--secret', '--expires-in SECONDS', '--tid', '--appid']) expect(token).toContain(flag);
    const seed = runCli(['seed', '--help']).stdout;
    for (const flag of ['--count N', '--set PATH', '--random-seed S', '--out FILE', '--schemas DIR']) expect(seed).toContain(flag);
  });

  test('a config file with a bad key stops start-up naming the key', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mockgraph.config.json'), JSON.stringify({ port: 0, colour: 'red' }));
    const r = runCli(['serve'], { cwd: dir });
    expect([r.status, r.stderr.trim()]).toEqual([2, 'mockgraph: mockgraph.config.json: unknown key "colour"']);
  });

  test.each([
    [{ latency: '300-' }, `"latency" must be MIN-MAX milliseconds (e.g. 50-300, at most 60000), got '300-'`],
    [{ throttle: '100' }, `"throttle" must be N/SECONDS (e.g. 100/60: at most 100 requests per 60 seconds per client), got '100'`],
    [{ corsOrigin: 'notaurl' }, `"corsOrigin" must be origins such as https://app.example or http://localhost:3000 (scheme, host and port only), or '*'; 'notaurl' is not one`],
    [{ port: '4000' }, `"port" must be a whole number, not the string "4000"`],
  ])('config file %j is refused in one line, in the words a flag error uses', (config, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mockgraph.config.json'), JSON.stringify(config));
    const r = runCli(['serve'], { cwd: dir });
    expect([r.status, r.stderr]).toEqual([2, `mockgraph: mockgraph.config.json: ${message}\n`]);
  });

  test('mockgraph --version prints the package version; mockgraph openapi writes the description the server serves', () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(runCli(['--version']).stdout).toBe(`mockgraph ${version}\n`);
    const r = runCli(['openapi', '--origin', 'http://localhost:4000']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/beta/security/ipSecurityProfiles', '/beta/security/tiIndicators/submitTiIndicators']));
    expect(runCli(['openapi', '--validation', 'loose']).stderr).toBe("mockgraph: --validation must be doc or metadata, got 'loose'\n");
  });

  test('mockgraph seed writes deterministic profiles: same seed, same bytes', () => {
    const a = runCli(['seed', '--count', '3', '--random-seed', '5']).stdout;
    expect(runCli(['seed', '--count', '3', '--random-seed', '5']).stdout).toBe(a);
    expect(runCli(['seed', '--count', '3', '--random-seed', '6']).stdout).not.toBe(a);
    // Several entity sets: every one of them, keyed by path, as --seed reads it.
    expect(JSON.parse(a)['security/ipSecurityProfiles']).toHaveLength(3);
  });
});

describe('mockgraph serve', () => {
  test('prints one start line, starts with the doc example, and logs one JSON line per request', async () => {
    const s = await serve([]);
    try {
      expect(s.stdout().split('\n')[0]).toMatch(/^mockgraph: serving http:\/\/127\.0\.0\.1:\d+\/beta\/ \([^)]*security\/ipSecurityProfiles[^)]*\), data in memory \(gone when the server stops\); auth bearer, validation doc, no config file; inspector at http:\/\/127\.0\.0\.1:\d+\/_mockgraph\/; start page http:\/\/127\.0\.0\.1:\d+\/$/);
      const list = (await (await call(s.base, COLLECTION)).json()) as { value: Array<{ id: string }> };
      expect(list.value.map((p) => p.id)).toEqual(['a5c97fce-7fce-a5c9-ce7f-c9a5ce7fc9a5']);
      await call(s.base, `${COLLECTION}/nope`);
      await new Promise((r) => setTimeout(r, 100));
      const logs = s.stdout().trim().split('\n').slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logs.at(-1)).toMatchObject({ method: 'GET', path: `${COLLECTION}/nope`, status: 404, error: 'ResourceNotFound', 'request-id': expect.any(String), durationMs: expect.any(Number) });
    } finally {
      s.child.kill('SIGTERM');
    }
  });

  test('the start line names the store, auth mode, validation profile, config file and inspector URL', async () => {
    const dir = tempDir();
    const config = join(dir, 'settings.json');
    writeFileSync(config, JSON.stringify({ auth: 'off', validation: 'metadata', quiet: true }));
    const s = await serve(['--config', config]);
    try {
      const line = s.stdout().split('\n')[0] ?? '';
      for (const part of ['data in memory', 'auth off', 'validation metadata', `config ${config}`, `inspector at ${s.base}/_mockgraph/`]) expect(line).toContain(part);
    } finally {
      s.child.kill('SIGTERM');
    }
  });

  test('mockgraph token --expires-in -10 issues an expired token, which serve --auth jwt answers with 401', async () => {
    const r = runCli(['token', '--expires-in', '-10', '--scp', 'IpSecurityProfile.Read.All']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const claims = JSON.parse(Buffer.from(r.stdout.trim().split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(-10);
    const s = await serve(['--auth', 'jwt', '--quiet']);
    try {
      const res = await fetch(s.base + COLLECTION, { headers: { Authorization: `Bearer ${r.stdout.trim()}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('expired');
    } finally {
      s.child.kill('SIGTERM');
    }
  });

  test('--quiet: no request log', async () => {
    const s = await serve(['--quiet']);
    await call(s.base, COLLECTION);
    s.child.kill('SIGTERM');
    await s.exited;
    expect(s.stdout().trim().split('\n')).toHaveLength(1);
  });

  test('--seed FILE loads a collection response; a bad record stops start-up naming the file, index and property', async () => {
    const dir = tempDir();
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ value: [{ ...docExampleBody(), id: 'one' }, { ...docExampleBody(), id: 'two' }] }));
    const s = await serve(['--seed', good, '--quiet']);
    const ids = ((await (await call(s.base, COLLECTION)).json()) as { value: Array<{ id: string }> }).value.map((p) => p.id);
    s.child.kill('SIGTERM');
    expect(ids).toEqual(['one', 'two']);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([docExampleBody(), { ...docExampleBody(), countHits: 'lots' }]));
    const r = runCli(['serve', '--port', '0', '--seed', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`mockgraph: seed file ${bad}: record [1]: countHits: expected Int32 or null, got string.`);
  });

  test('a port already in use exits 2 with one line', async () => {
    const s = await serve(['--quiet']);
    const port = new URL(s.base).port;
    const r = runCli(['serve', '--port', port]);
    s.child.kill('SIGTERM');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`mockgraph: port ${port} on 127.0.0.1 is already in use (choose another with --port)`);
  });

  test('SIGTERM lets an in-flight request finish, then exits 0 within 5 seconds', async () => {
    const s = await serve(['--latency', '800-800', '--quiet']);
    const inFlight = call(s.base, COLLECTION);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    s.child.kill('SIGTERM');
    expect((await inFlight).status).toBe(200);
    expect(await s.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('mockgraph serve stops cleanly', () => {
  test.each(['SIGINT', 'SIGHUP'] as const)('on %s too, exiting 0', async (signal) => {
    const s = await serve(['--quiet']);
    s.child.kill(signal);
    expect(await s.exited).toBe(0);
  });
});

describe('--data FILE (SQLite)', () => {
  test('every write acknowledged with 201/204 survives kill -9', async () => {
    const file = join(tempDir(), 'sandbox.db');
    const s = await serve(['--data', file, '--quiet']);
    const acknowledged: string[] = [];
    let deleted = '';
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let i = 0; i < 25; i++) {
          const res = await call(s.base, COLLECTION, { method: 'POST', body: JSON.stringify({ ...docExampleBody(), id: `burst-${worker}-${i}` }) });
          if (res.status === 201) acknowledged.push(`burst-${worker}-${i}`);
        }
      }),
    );
    const patched = await call(s.base, `${COLLECTION}/burst-0-0`, { method: 'PATCH', body: JSON.stringify({ riskScore: 'patched' }) });
    if ((await call(s.base, `${COLLECTION}/burst-0-1`, { method: 'DELETE' })).status === 204) deleted = 'burst-0-1';
    s.child.kill('SIGKILL');
    await s.exited;

    const again = await serve(['--data', file, '--quiet']);
    try {
      const ids = new Set<string>();
      let url: string | undefined = `${COLLECTION}?$select=id`;
      while (url) {
        const page = (await (await call(again.base, url)).json()) as { value: Array<{ id: string }>; '@odata.nextLink'?: string };
        page.value.forEach((p) => ids.add(p.id));
        url = page['@odata.nextLink']?.slice(again.base.length);
      }
      expect(acknowledged).toHaveLength(200);
      expect(acknowledged.filter((id) => id !== deleted && !ids.has(id))).toEqual([]);
      expect(ids.has(deleted)).toBe(false);
      expect(patched.status).toBe(204);
      expect(((await (await call(again.base, `${COLLECTION}/burst-0-0`)).json()) as { riskScore: string }).riskScore).toBe('patched');
      // The doc example seeded the new file once; a restart does not seed again.
      expect(ids.size).toBe(200 - 1 + 1);
    } finally {
      again.child.kill('SIGTERM');
    }
  });

  test('a second process on the same file refuses with a clear message', async () => {
    const file = join(tempDir(), 'shared.db');
    const s = await serve(['--data', file, '--quiet']);
    const r = runCli(['serve', '--port', '0', '--data', file]);
    s.child.kill('SIGTERM');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`mockgraph: the data file ${file} is in use by another mockgraph process; stop it or use another --data file`);
  });
});

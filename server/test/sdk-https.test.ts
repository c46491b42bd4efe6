import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, HTTPMessageHandler, PageIterator } from '@microsoft/microsoft-graph-client';
import { docExampleBody, testApp } from './helpers';
import { serve, tempDir } from './process-helpers';
import type { Served } from './process-helpers';

jest.setTimeout(90_000);

/**
 * What a user of the official SDK writes: the default middleware chain (Client.init with an authProvider) and the
 * mock's host in customHosts, so AuthenticationHandler attaches the token over https. It runs in its own Node
 * process because Node reads NODE_EXTRA_CA_CERTS only when it starts.
 */
const SCRIPT = `
const { Client, GraphError, PageIterator } = require(${JSON.stringify(require.resolve('@microsoft/microsoft-graph-client'))});
const SET = '/security/ipSecurityProfiles';
const client = (baseUrl) => Client.init({
  baseUrl,
  defaultVersion: 'beta',
  customHosts: new Set(['localhost']),
  authProvider: (done) => done(null, 'sdk-token'),
});
const failure = (e) => ({ isGraphError: e instanceof GraphError, statusCode: e.statusCode, code: e.code });

(async () => {
  const graph = client(process.env.BASE);
  const body = JSON.parse(process.env.BODY);
  const out = {};

  const created = await graph.api(SET).post(body);
  out.created = { id: created.id, context: created['@odata.context'] };
  out.read = (await graph.api(SET + '/' + created.id).get()).address;
  await graph.api(SET + '/' + created.id).patch({ riskScore: '99' });
  out.patched = (await graph.api(SET + '/' + created.id).get()).riskScore;

  for (let i = 0; i < 5; i++) await graph.api(SET).post({ ...body, countHits: 100 + i });
  const filtered = await graph.api(SET).filter('countHits ge 102').orderby('countHits').get();
  out.filtered = { countHits: filtered.value.map((p) => p.countHits), nextLink: filtered['@odata.nextLink'] };
  const rest = await graph.api(filtered['@odata.nextLink']).get();
  out.filteredRest = rest.value.map((p) => p.countHits);

  const first = await graph.api(SET).select('id,countHits').get();
  out.firstPage = { size: first.value.length, nextLink: first['@odata.nextLink'] };
  const seen = [];
  await new PageIterator(graph, first, (p) => { seen.push(p.id); return true; }).iterate();
  out.iterated = seen;

  await graph.api(SET + '/' + created.id).delete();
  out.notFound = await graph.api(SET + '/' + created.id).get().then(() => 'found', failure);

  const flaky = client(process.env.FLAKY_BASE);
  out.retried = [];
  for (let i = 0; i < 4; i++) out.retried.push((await flaky.api(SET).top(1).get()).value.length);

  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  process.stderr.write(String((e && e.stack) || e) + '\\n' + JSON.stringify(e));
  process.exit(1);
});
`;

function runScript(file: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [file], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('the official Graph SDK, default middleware chain, over https', () => {
  const dir = tempDir();
  const caDir = join(dir, 'ca');
  const servers: Served[] = [];

  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
  });

  test('CRUD, $filter, PageIterator, nextLink, RetryHandler and GraphError against mockgraph serve --https', async () => {
    const env = { MOCKGRAPH_CA_DIR: caDir };
    const served = await serve(['--https', '--page-size', '2', '--quiet'], { env });
    servers.push(served);
    // --fail-rate with --random-seed: the same 503s and 504s every run (with seed 2, two of the first six requests).
    const flaky = await serve(['--https', '--fail-rate', '0.5', '--random-seed', '2'], { env });
    servers.push(flaky);
    const script = join(dir, 'sdk-client.js');
    writeFileSync(script, SCRIPT);
    const localhost = (s: Served) => `https://localhost:${new URL(s.base).port}`;
    const r = await runScript(script, { NODE_EXTRA_CA_CERTS: join(caDir, 'ca.crt'), BASE: localhost(served), FLAKY_BASE: localhost(flaky), BODY: JSON.stringify(docExampleBody()) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    const base = localhost(served);

    expect(out.created).toEqual({ id: expect.any(String), context: `${base}/beta/$metadata#security/ipSecurityProfiles/$entity` });
    expect([out.read, out.patched]).toEqual(['Address value', '99']);
    expect(out.filtered).toEqual({ countHits: [102, 103], nextLink: expect.stringMatching(new RegExp(`^${base}/beta/security/ipSecurityProfiles\\?`)) });
    expect(out.filteredRest).toEqual([104]);
    // The doc example, the created profile and five more: four pages of two.
    expect(out.firstPage).toEqual({ size: 2, nextLink: expect.stringMatching(/^https:\/\/localhost:\d+\/beta\//) });
    expect(new Set(out.iterated as string[]).size).toBe(7);
    expect(out.notFound).toEqual({ isGraphError: true, statusCode: 404, code: 'ResourceNotFound' });

    expect(out.retried).toEqual([1, 1, 1, 1]);
    const statuses = flaky.stdout().trim().split('\n').slice(1).map((l) => (JSON.parse(l) as { status: number }).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 503 || s === 504).length).toBeGreaterThan(0);
  });
});

describe('what the SDK cannot do over plain http (why the README recommends --https)', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = testApp({ publicOrigin: undefined, pageSize: 1, seed: [{ ...docExampleBody(), id: 'one' }, { ...docExampleBody(), id: 'two' }] }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('the default chain sends no token to an http host, and client.api(nextLink) and PageIterator cannot follow an http link', async () => {
    const defaultChain = Client.init({ baseUrl: base, defaultVersion: 'beta', customHosts: new Set(['localhost']), authProvider: (done) => done(null, 'sdk-token') });
    await expect(defaultChain.api('/security/ipSecurityProfiles').get()).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });

    // The http recipe: no AuthenticationHandler, the token as a default header.
    const plain = Client.initWithMiddleware({ baseUrl: base, defaultVersion: 'beta', fetchOptions: { headers: { Authorization: 'Bearer sdk-token' } }, middleware: new HTTPMessageHandler() });
    const first = await plain.api('/security/ipSecurityProfiles').get();
    const nextLink = String(first['@odata.nextLink']);
    expect(nextLink.startsWith(`${base}/beta/`)).toBe(true);
    // The SDK parses only https:// URLs as absolute; an http link becomes a path segment.
    await expect(plain.api(nextLink).get()).rejects.toMatchObject({ statusCode: 400, message: "Resource not found for the segment 'http:'." });
    await expect(new PageIterator(plain, first, () => true).iterate()).rejects.toMatchObject({ statusCode: 400 });
    // What works instead: the link's path and query, relative to the version root.
    expect((await plain.api(nextLink.slice(`${base}/beta`.length)).get()).value).toHaveLength(1);
  });
});

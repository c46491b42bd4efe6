import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { createMockServer, DEFAULT_TIMEOUTS } from '../src/index';
import { issueCertificateAuthority, issueServerCertificate, LOOPBACK_NAMES } from '../src/tls/certificates';
import { COLLECTION, docExampleBody, testApp } from './helpers';
import { runCli, serve, tempDir } from './process-helpers';
import type { Served } from './process-helpers';

jest.setTimeout(60_000);

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** An https request that trusts only `ca` (Node's default roots are replaced, not extended). */
function secureCall(url: string, ca: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; servername?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    const headers = { authorization: 'Bearer https-test', ...(payload ? { 'content-type': 'application/json' } : {}), ...init.headers };
    const req = httpsRequest(url, { method: init.method ?? 'GET', ca, headers, agent: false, ...(init.servername ? { servername: init.servername } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const portOf = (s: Served) => new URL(s.base).port;
const stop = async (s: Served) => {
  s.child.kill('SIGTERM');
  await s.exited;
};

describe('mockgraph serve --https with the local CA', () => {
  const caDir = join(tempDir(), 'ca');
  const env = { MOCKGRAPH_CA_DIR: caDir };
  let served: Served;
  let ca: string;
  let localhost: string;

  beforeAll(async () => {
    served = await serve(['--https', '--page-size', '1'], { env });
    ca = readFileSync(join(caDir, 'ca.crt'), 'utf8');
    localhost = `https://localhost:${portOf(served)}`;
  });
  afterAll(() => stop(served));

  test('creates the CA once (folder 0700, key 0600), says so, and prints an https start line', () => {
    expect(served.base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(served.stdout().split('\n')[0]).toMatch(new RegExp(`^mockgraph: serving https://127\\.0\\.0\\.1:\\d+/beta/ .*; TLS certificate from the local CA ${join(caDir, 'ca.crt')} \\(to trust it: mockgraph cert\\); inspector at https://127\\.0\\.0\\.1:\\d+/_mockgraph/; start page https://127\\.0\\.0\\.1:\\d+/$`));
    expect(served.stderr()).toBe(`mockgraph: created a local certificate authority in ${caDir}; clients must trust ${join(caDir, 'ca.crt')} (see mockgraph cert)\n`);
    expect([statSync(caDir).mode & 0o777, statSync(join(caDir, 'ca.key')).mode & 0o777, statSync(join(caDir, 'server.key')).mode & 0o777]).toEqual([0o700, 0o600, 0o600]);
  });

  test('a client trusting only that CA gets 200 at localhost and 127.0.0.1, and every link is https', async () => {
    const list = await secureCall(`${localhost}${COLLECTION}`, ca);
    expect(list.status).toBe(200);
    expect(list.body['@odata.context']).toBe(`${localhost}/beta/$metadata#security/ipSecurityProfiles`);
    expect((await secureCall(`${served.base}${COLLECTION}`, ca)).status).toBe(200);

    const created = await secureCall(`${localhost}${COLLECTION}`, ca, { method: 'POST', body: docExampleBody() });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${localhost}${COLLECTION}/${String(created.body.id)}`);
    expect(created.body['@odata.context']).toBe(`${localhost}/beta/$metadata#security/ipSecurityProfiles/$entity`);

    const minimal = await secureCall(`${localhost}${COLLECTION}`, ca, { method: 'POST', body: docExampleBody(), headers: { prefer: 'return=minimal' } });
    expect(minimal.status).toBe(204);
    expect(minimal.headers['odata-entityid']).toMatch(new RegExp(`^${localhost}${COLLECTION}/`));

    // --page-size 1: the first page links to the next one, over https, and the link works.
    const page = await secureCall(`${localhost}${COLLECTION}`, ca);
    const next = String(page.body['@odata.nextLink']);
    expect(next.startsWith(`${localhost}${COLLECTION}?`)).toBe(true);
    const second = await secureCall(next, ca);
    expect([second.status, (second.body.value as unknown[]).length]).toEqual([200, 1]);
  });

  test('links inside $batch answers and the OpenAPI description are https too', async () => {
    const batch = await secureCall(`${localhost}/beta/$batch`, ca, { method: 'POST', body: { requests: [{ id: '1', method: 'GET', url: '/security/ipSecurityProfiles' }] } });
    const inner = (batch.body.responses as Array<{ status: number; body: Record<string, unknown> }>)[0];
    expect([inner?.status, inner?.body['@odata.context']]).toEqual([200, `${localhost}/beta/$metadata#security/ipSecurityProfiles`]);
    const openapi = await secureCall(`${localhost}/_mockgraph/openapi.json`, ca);
    expect(openapi.body.servers).toEqual([{ url: localhost }]);
  });

  test('admin state changes accept the https origin and refuse the http one', async () => {
    const reset = (origin: string) => secureCall(`${localhost}/_mockgraph/reset`, ca, { method: 'POST', headers: { origin, 'content-type': 'application/json' } });
    expect((await reset(`http://localhost:${portOf(served)}`)).status).toBe(403);
    expect((await reset(localhost)).status).toBe(200);
    expect((await secureCall(`https://localhost:${portOf(served)}${COLLECTION}`, ca, { headers: { host: 'evil.example' }, servername: 'localhost' })).status).toBe(400);
  });

  test('plain http on the port and clients that do not trust the CA fail cleanly: the server logs nothing and serves on', async () => {
    await expect(fetch(`http://127.0.0.1:${portOf(served)}${COLLECTION}`)).rejects.toThrow('fetch failed');
    await expect(fetch(`${localhost}${COLLECTION}`)).rejects.toThrow('fetch failed');
    const raw = tlsConnect({ host: '127.0.0.1', port: Number(portOf(served)), ca, servername: 'localhost' });
    await new Promise((resolve) => raw.once('secureConnect', resolve));
    raw.destroy();
    expect((await secureCall(`${localhost}${COLLECTION}`, ca)).status).toBe(200);
    expect(served.stderr()).not.toMatch(/Error|\n\s+at /);
    expect(served.child.exitCode).toBeNull();
  });

  test('a second server reuses the CA and the server certificate', async () => {
    const [caBefore, serverBefore] = [readFileSync(join(caDir, 'ca.crt'), 'utf8'), readFileSync(join(caDir, 'server.crt'), 'utf8')];
    const again = await serve(['--https', '--quiet'], { env });
    try {
      expect((await secureCall(`https://localhost:${portOf(again)}${COLLECTION}`, ca)).status).toBe(200);
      expect(again.stderr()).toBe('');
    } finally {
      await stop(again);
    }
    expect([readFileSync(join(caDir, 'ca.crt'), 'utf8'), readFileSync(join(caDir, 'server.crt'), 'utf8')]).toEqual([caBefore, serverBefore]);
  });
});

describe('mockgraph serve --https with a given pair', () => {
  const dir = tempDir();
  const own = issueCertificateAuthority(new Date(), 'tests');
  const pair = issueServerCertificate(own, LOOPBACK_NAMES, new Date());
  const other = issueServerCertificate(own, LOOPBACK_NAMES, new Date());
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const [certFile, keyFile, otherKey] = [file('cert.pem', pair.cert), file('key.pem', pair.key), file('other.key', other.key)];
  const unusedCa = join(dir, 'unused-ca');

  test('--tls-cert/--tls-key (or "https", "tlsCert", "tlsKey" in the config file) serve that certificate; no local CA is made', async () => {
    const byFlags = await serve(['--https', '--tls-cert', certFile, '--tls-key', keyFile, '--quiet'], { env: { MOCKGRAPH_CA_DIR: unusedCa } });
    try {
      expect(byFlags.stdout()).toContain(`; TLS certificate ${certFile}; inspector at https://`);
      expect((await secureCall(`https://localhost:${portOf(byFlags)}${COLLECTION}`, own.cert)).status).toBe(200);
    } finally {
      await stop(byFlags);
    }
    writeFileSync(join(dir, 'mockgraph.config.json'), JSON.stringify({ https: true, tlsCert: 'cert.pem', tlsKey: 'key.pem', quiet: true }));
    const byFile = await serve([], { cwd: dir, env: { MOCKGRAPH_CA_DIR: unusedCa } });
    try {
      const answer = await secureCall(`https://localhost:${portOf(byFile)}${COLLECTION}`, own.cert);
      expect(answer.body['@odata.context']).toMatch(/^https:\/\/localhost:\d+\/beta\/\$metadata/);
    } finally {
      await stop(byFile);
    }
    expect(existsSync(unusedCa)).toBe(false);
  });

  test.each([
    ['a key of another certificate', ['--https', '--tls-cert', 'CERT', '--tls-key', 'OTHER'], 'mockgraph: --tls-key OTHER is not the key of --tls-cert CERT: they do not match'],
    ['a missing certificate file', ['--https', '--tls-cert', 'MISSING', '--tls-key', 'KEY'], 'mockgraph: --tls-cert MISSING cannot be read: no such file'],
    ['a certificate without its key', ['--https', '--tls-cert', 'CERT'], 'mockgraph: --tls-cert needs --tls-key (the private key of that certificate)'],
    ['a pair without --https', ['--tls-cert', 'CERT', '--tls-key', 'KEY'], 'mockgraph: --tls-cert/--tls-key are set but --https is not: add --https, or remove them'],
  ])('%s stops start-up with one line and exit 2', (_name, args, message) => {
    const names: Record<string, string> = { CERT: certFile, KEY: keyFile, OTHER: otherKey, MISSING: join(dir, 'missing.pem') };
    const swap = (s: string) => s.replace(/\b(CERT|KEY|OTHER|MISSING)\b/g, (m) => names[m] ?? m);
    const r = runCli(['serve', '--port', '0', ...args.map(swap)]);
    expect([r.status, r.stderr, r.stdout]).toEqual([2, `${swap(message)}\n`, '']);
  });
});

describe('mockgraph cert', () => {
  test('creates the CA if there is none, prints its path and how to trust it in Node, Debian/Ubuntu and macOS', () => {
    const caDir = join(tempDir(), 'ca');
    const certFile = join(caDir, 'ca.crt');
    const first = runCli(['cert'], { env: { MOCKGRAPH_CA_DIR: caDir } });
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(first.stdout.split('\n').slice(0, 2)).toEqual([expect.stringMatching(/^mockgraph's local certificate authority \(created now, valid until \d{4}-\d\d-\d\d\):$/), `  ${certFile}`]);
    expect(first.stdout).toContain(`NODE_EXTRA_CA_CERTS=${certFile} node app.js`);
    expect(first.stdout).toContain(`sudo cp ${certFile} /usr/local/share/ca-certificates/mockgraph-local-ca.crt && sudo update-ca-certificates`);
    expect(first.stdout).toContain(`sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${certFile}`);
    expect(readFileSync(certFile, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);

    const second = runCli(['cert', '--ca-dir', caDir]);
    expect(second.stdout).toContain('(reused, valid until');
    expect(runCli(['cert', '--path'], { env: { MOCKGRAPH_CA_DIR: caDir } }).stdout).toBe(`${certFile}\n`);
  });

  test('--help describes it; a bad flag exits 2 with one line', () => {
    const help = runCli(['cert', '--help']);
    expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('mockgraph cert [--ca-dir DIR] [--config FILE] [--path]')]);
    expect(runCli(['--help']).stdout).toContain('mockgraph cert [--ca-dir DIR] [--config FILE] [--path]');
    const bad = runCli(['cert', '--bogus']);
    expect([bad.status, bad.stderr.trim().split('\n')]).toEqual([2, ["mockgraph: unknown option '--bogus' (mockgraph cert --help lists its options)"]]);
  });
});

describe('createMockServer over TLS keeps its limits', () => {
  const own = issueCertificateAuthority(new Date(), 'tests');
  const pair = issueServerCertificate(own, LOOPBACK_NAMES, new Date());
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createMockServer(testApp({ seed: [{ ...docExampleBody(), id: 'kept' }] }), { ...DEFAULT_TIMEOUTS, headersTimeout: 500 }, pair);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** Sends raw bytes over TLS and returns everything the server answers before it closes. */
  function rawTls(bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, ca: own.cert, servername: 'localhost' }, () => socket.end(bytes));
      let text = '';
      socket.setEncoding('utf8').on('data', (d: string) => (text += d));
      socket.on('close', () => resolve(text)).on('error', reject);
    });
  }

  test('malformed requests and oversized headers get raw Graph errors', async () => {
    const malformed = await rawTls('NOT HTTP AT ALL\r\n\r\n');
    expect(malformed).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(malformed.slice(malformed.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'BadRequest', message: 'The request is not valid HTTP.' } });
    const huge = await rawTls(`GET ${COLLECTION} HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toContain('"code":"RequestHeaderFieldsTooLarge"');
  });

  test('the connection limit applies, and clients that stall in the handshake or the headers are cut off', async () => {
    expect(server.maxConnections).toBe(1024);
    const idle = tlsConnect({ host: '127.0.0.1', port, ca: own.cert, servername: 'localhost' });
    await new Promise((resolve) => idle.once('secureConnect', resolve));
    const closed = await new Promise<string>((resolve) => {
      let text = '';
      idle.setEncoding('utf8').on('data', (d: string) => (text += d));
      idle.on('close', () => resolve(text));
      idle.write('GET / HTTP/1.1\r\n');
    });
    expect(closed === '' || /^HTTP\/1\.1 408 /.test(closed)).toBe(true);
    // Not even a handshake: the handshake is bounded by the same timeout as the headers.
    const silent = tcpConnect({ host: '127.0.0.1', port });
    await new Promise((resolve) => silent.on('close', resolve));
  });
});

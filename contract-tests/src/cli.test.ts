import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../server/src/index';
import { notesSchemaDir } from '../../server/test/extra-schemas';
import { runContractCommand } from './cli';
import { expandDocArguments } from './files';

const ROOT = join(__dirname, '..', '..');
const out = () => join(mkdtempSync(join(tmpdir(), 'mockgraph-contract-')), 'report');

/** Runs a command with stdout/stderr captured. */
async function run(command: string, args: string[]): Promise<{ status: number; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { status: await runContractCommand(command, args), stdout: chunks.join('') };
  } finally {
    spy.mockRestore();
    err.mockRestore();
    void write;
  }
}

describe('mockgraph contract', () => {
  const cwd = process.cwd();
  beforeAll(() => process.chdir(ROOT));
  afterAll(() => process.chdir(cwd));

  test('in-process over contract-tests/docs: exit 0 and a JUnit report with one test case per example', async () => {
    const file = out();
    const { status } = await run('contract', ['--reporter', 'junit', '--out', file]);
    expect(status).toBe(0);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toContain('<testsuite name="contract-tests/docs/add-ipsecurityprofiles.md" tests="2" failures="0" errors="0" skipped="0"');
    expect(xml).toContain('<testcase classname="contract-tests/docs/add-ipsecurityprofiles.md" name="create_ipsecurityprofile_from_"');
  });

  test('against a running server by --base-url, fixtures included; skipped examples do not fail the run, failed ones do', async () => {
    const server: Server = createApp().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { status, stdout } = await run('contract', ['--base-url', base, '--reporter', 'json', '--docs', 'contract-tests/docs', 'contract-tests/fixtures/crud-examples.md', 'contract-tests/fixtures/quirks.md']);
      const report = JSON.parse(stdout) as { summary: { passed: number; failed: number; skipped: number }; results: Array<{ name: string; status: string }> };
      // Every real page and fixture passes, but for the two 2018 ipSecurityProfile examples that show properties the
      // served type lacks (skipped, contract-tests/ipsecurityprofile-pages.test.ts); quirks.md's broken examples are
      // skipped, but for its trailing-comma body, which is read leniently and then refused by the doc's create contract.
      expect(report.results.filter((r) => r.status === 'failed').map((r) => r.name)).toEqual(['trailing_comma', 'trailing_comma (as the HTTP request line POST /Security/ipSecurityProfiles/$ref)']);
      expect(report.summary).toEqual({ passed: 25, failed: 2, skipped: 4, errors: 0 });
      expect(status).toBe(1);
      const clean = await run('contract', ['--base-url', base, '--reporter', 'json', '--docs', 'contract-tests/docs', 'contract-tests/fixtures/crud-examples.md']);
      expect([clean.status, (JSON.parse(clean.stdout) as { summary: unknown }).summary]).toEqual([0, { passed: 23, failed: 0, skipped: 2, errors: 0 }]);
    } finally {
      server.close();
    }
  });

  test('--admin-token (or MOCKGRAPH_ADMIN_TOKEN) lets setup create entities of a set without POST through the admin API; --schemas names the set', async () => {
    const dir = notesSchemaDir();
    const server: Server = createApp({ schemaDirs: [dir], adminToken: 'contract-admin-token', logNotice: () => {} }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const saved = process.env.MOCKGRAPH_ADMIN_TOKEN;
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const args = ['--base-url', base, '--schemas', dir, '--reporter', 'json', 'contract-tests/fixtures/threat-notes.md'];
      const summary = async (extra: string[]) => (JSON.parse((await run('contract', [...args, ...extra])).stdout) as { summary: unknown }).summary;
      expect(await summary(['--admin-token', 'contract-admin-token', '--keep'])).toEqual({ passed: 3, failed: 0, skipped: 0, errors: 0 });
      delete process.env.MOCKGRAPH_ADMIN_TOKEN;
      // Setup is refused (401) for the placeholders; AdminNote, created and kept (--keep) by the first run, is still there.
      expect(await summary([])).toEqual({ passed: 1, failed: 2, skipped: 0, errors: 0 });
      process.env.MOCKGRAPH_ADMIN_TOKEN = 'contract-admin-token';
      expect(await summary([])).toEqual({ passed: 3, failed: 0, skipped: 0, errors: 0 });
      // In-process, the mock serves the --schemas folder too.
      expect((await run('contract', ['--schemas', dir, 'contract-tests/fixtures/threat-notes.md'])).status).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.MOCKGRAPH_ADMIN_TOKEN;
      else process.env.MOCKGRAPH_ADMIN_TOKEN = saved;
      server.close();
    }
  });

  test('a target that cannot be reached is not a contract failure: exit 3, JUnit <error> naming the URL and the system error', async () => {
    const server: Server = createApp().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const file = out();
    const { status } = await run('contract', ['--base-url', `http://127.0.0.1:${port}`, '--reporter', 'junit', '--out', file, 'contract-tests/docs/add-ipsecurityprofiles.md']);
    expect(status).toBe(3);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toContain('failures="0" errors="2" skipped="0"');
    expect(xml).toContain(`<error type="TargetUnreachable" message="cannot reach http://127.0.0.1:${port}: ECONNREFUSED 127.0.0.1:${port}">`);
    expect(xml).not.toContain('<failure');
  });

  test('--base-url may end in the version root; a live run deletes what it created, --keep keeps it', async () => {
    const app = createApp({ logNotice: () => {} });
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const counts = async () => ((await (await fetch(`${base}/_mockgraph/health`)).json()) as { entitySets: Record<string, number> }).entitySets;
      const before = await counts();
      const { status, stdout } = await run('contract', ['--base-url', `${base}/beta`, '--reporter', 'json', 'contract-tests/docs']);
      expect([status, (JSON.parse(stdout) as { summary: { failed: number } }).summary.failed]).toEqual([0, 0]);
      // Setup entities, created examples and what a bulk action created are gone; the sandbox is as it was.
      expect(await counts()).toEqual(before);
      await run('contract', ['--base-url', base, '--keep', '--reporter', 'json', 'contract-tests/docs/add-ipsecurityprofiles.md']);
      expect((await counts())['security/ipSecurityProfiles']).toBeGreaterThan(before['security/ipSecurityProfiles'] ?? 0);
    } finally {
      server.close();
    }
  });

  test('a failing example makes the exit status 1, and the console report says why', async () => {
    const { status, stdout } = await run('contract', ['contract-tests/fixtures/schema-drift.md']);
    expect(status).toBe(1);
    expect(stdout).toContain('FAIL update_drifted');
    expect(stdout).toMatch(/0 passed, 1 failed, 0 skipped\n$/);
  });
});

describe('mockgraph lint-docs', () => {
  test('prints file:line: severity rule: message and exits 1 on errors', async () => {
    const clean = await run('lint-docs', [join(ROOT, 'contract-tests/docs/add-ipsecurityprofiles.md')]);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/add-ipsecurityprofiles\.md:8: warning permissions-todo: /);
    expect((await run('lint-docs', [join(ROOT, 'contract-tests/fixtures/schema-drift.md')])).status).toBe(1);
  });
});

describe('expandDocArguments', () => {
  test('files, folders and globs', () => {
    const names = (args: string[]) => expandDocArguments(args, ROOT).map((f) => f.slice(ROOT.length + 1));
    // A folder: every *.md below it, in path order.
    const docs = names(['contract-tests/docs']);
    expect(docs).toEqual([...docs].sort());
    expect(docs).toEqual(expect.arrayContaining(['contract-tests/docs/add-ipsecurityprofiles.md', 'contract-tests/docs/beta/api/tiindicators-post.md', 'contract-tests/docs/beta/resources/tiindicator.md']));
    expect(docs.every((d) => d.startsWith('contract-tests/docs/') && d.endsWith('.md'))).toBe(true);
    expect(names(['contract-tests/**/*.md'])).toEqual(expect.arrayContaining(['contract-tests/docs/add-ipsecurityprofiles.md', 'contract-tests/fixtures/quirks.md']));
    expect(names(['contract-tests/fixtures/q*.md'])).toEqual(['contract-tests/fixtures/quirks.md']);
    expect(() => names(['nope/*.md'])).toThrow("no file matches 'nope/*.md'");
  });
});

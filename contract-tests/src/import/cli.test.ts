import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImportCommand } from './cli';
import { ROOT } from './test-data';

/** Runs `mockgraph import-docs` from the repository root with stdout and stderr captured. */
async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = process.cwd();
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  process.chdir(ROOT);
  try {
    return { status: await runImportCommand(args), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.chdir(cwd);
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Pages of a resource schemas/ does not hold (an import into another folder references the ones it does). */
const FAMILY = 'contract-tests/fixtures/import/security-actions';
const PAGES = [`${FAMILY}/resources/securityaction.md`, `${FAMILY}/api/securityactions-list.md`];
const tempOut = () => join(mkdtempSync(join(tmpdir(), 'mockgraph-import-cli-')), 'schemas');

describe('mockgraph import-docs', () => {
  test('writes graph/ and requests/ below --out, prints file:line: rule: message, and exits 0', async () => {
    const out = tempOut();
    const { status, stdout, stderr } = await run(['--out', out, ...PAGES]);
    expect(status).toBe(0);
    expect(existsSync(join(out, 'graph', 'securityAction.schema.json'))).toBe(true);
    expect(stdout).toMatch(/^contract-tests\/fixtures\/import\/security-actions\/resources\/securityaction\.md:\d+: possible-values: /m);
    // securityVendorInformation is in schemas/ already: referenced, not written again.
    expect(stdout).toMatch(/: known-type: microsoft\.graph\.securityVendorInformation is already defined by schemas\/graph\/securityVendorInformation\.schema\.json/);
    expect(existsSync(join(out, 'graph', 'securityVendorInformation.schema.json'))).toBe(false);
    expect(stderr).toMatch(/written, 0 unchanged, 0 left alone; 2 page\(s\), \d+ finding\(s\)\n$/);
  });

  test('a second run changes nothing; --check exits 0, and 1 once a file differs', async () => {
    const out = tempOut();
    await run(['--out', out, ...PAGES]);
    expect((await run(['--out', out, ...PAGES])).stderr).toMatch(/: 0 written, \d+ unchanged/);
    expect((await run(['--check', '--out', out, ...PAGES])).status).toBe(0);
    writeFileSync(join(out, 'graph', 'keyValuePair.schema.json'), '{}\n');
    const check = await run(['--check', '--out', out, ...PAGES]);
    expect([check.status, check.stdout]).toEqual([1, expect.stringContaining('keyValuePair.schema.json: differs from what the pages give')]);
  });

  test('a file the importer did not write is left alone and reported (would-overwrite)', async () => {
    const out = tempOut();
    mkdirSync(join(out, 'graph'), { recursive: true });
    writeFileSync(join(out, 'graph', 'securityAction.schema.json'), '{ "$comment": "written by hand" }\n');
    const { status, stdout, stderr } = await run(['--out', out, ...PAGES]);
    expect(status).toBe(0);
    expect(readFileSync(join(out, 'graph', 'securityAction.schema.json'), 'utf8')).toBe('{ "$comment": "written by hand" }\n');
    expect(stdout).toContain('would-overwrite: ');
    expect(stderr).toContain('1 left alone');
  });

  test('--json and --report', async () => {
    const out = tempOut();
    const report = join(out, '..', 'report.txt');
    const { stdout } = await run(['--json', '--report', report, '--out', out, ...PAGES]);
    const findings = JSON.parse(stdout) as Array<{ file: string; line: number; rule: string; message: string }>;
    expect(findings.length).toBeGreaterThan(0);
    expect(readFileSync(report, 'utf8').split('\n')[0]).toBe(`${findings[0]!.file}:${findings[0]!.line}: ${findings[0]!.rule}: ${findings[0]!.message}`);
  });

  test('bad arguments exit 2 with one line', async () => {
    expect(await run([])).toMatchObject({ status: 2, stderr: 'mockgraph: no documentation pages given (mockgraph import-docs --help)\n' });
    expect(await run(['nope/*.md'])).toMatchObject({ status: 2, stderr: "mockgraph: no file matches 'nope/*.md'\n" });
    expect((await run(['--frobnicate', 'x.md'])).status).toBe(2);
    expect((await run(['--help'])).stdout).toContain('mockgraph import-docs [--out DIR]');
  });
});

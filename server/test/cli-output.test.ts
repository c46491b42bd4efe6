import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, serve, tempDir } from './process-helpers';

const PAGE = join(__dirname, '..', '..', 'contract-tests', 'docs', 'beta', 'api', 'ipsecurityprofile_get.md');

describe('an output flag into a missing folder', () => {
  test.each([
    ['seed --out', (out: string) => ['seed', '--count', '2', '--out', out]],
    ['openapi --out', (out: string) => ['openapi', '--out', out]],
    ['contract --reporter junit --out', (out: string) => ['contract', '--reporter', 'junit', '--out', out, PAGE]],
    ['import-docs --report', (out: string) => ['import-docs', '--check', '--out', join(out, '..', 'schemas'), '--report', out, PAGE]],
  ])('%s creates the folder and writes the file', (_, args) => {
    const out = join(tempDir(), 'reports', 'nested', 'output.txt');
    const r = runCli(args(out));
    expect([r.status === 2, r.stderr.includes('mockgraph: --')]).toEqual([false, false]);
    expect(existsSync(out)).toBe(true);
  });

  test.each([
    ['seed', '--out', (out: string) => ['seed', '--count', '2', '--out', out]],
    ['openapi', '--out', (out: string) => ['openapi', '--out', out]],
    ['contract', '--out', (out: string) => ['contract', '--reporter', 'junit', `--out=${out}`, PAGE]],
    ['import-docs', '--report', (out: string) => ['import-docs', '--report', out, PAGE]],
  ])('%s %s that cannot be created is refused in one line before any work', (_, flag, args) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    const out = join(dir, 'a-file', 'output.txt');
    const r = runCli(args(out), { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', `mockgraph: ${flag} ${out}: cannot create the folder ${join(dir, 'a-file')} (part of that path is a file, not a folder)\n`]);
  });

  test('--out naming a folder is refused: the file is what is asked for', () => {
    const dir = tempDir();
    const r = runCli(['seed', '--count', '1', '--out', dir]);
    expect([r.status, r.stderr]).toEqual([2, `mockgraph: --out ${dir} is a folder; give the file to write\n`]);
  });

  test('the folders of serve --data and cert --ca-dir are created the same way, or refused in one line naming them', async () => {
    const dir = tempDir();
    const data = join(dir, 'state', 'deep', 'sandbox.db');
    const s = await serve(['--data', data, '--quiet']);
    s.child.kill('SIGTERM');
    await s.exited;
    expect(existsSync(data)).toBe(true);
    const ca = join(dir, 'new', 'ca');
    expect(runCli(['cert', '--ca-dir', ca, '--path'])).toMatchObject({ status: 0, stdout: `${join(ca, 'ca.crt')}\n` });

    writeFileSync(join(dir, 'a-file'), '');
    const refused = runCli(['serve', '--port', '0', '--data', join(dir, 'a-file', 'x.db')]);
    expect([refused.status, refused.stderr]).toEqual([2, `mockgraph: --data ${join(dir, 'a-file', 'x.db')}: cannot create the folder ${join(dir, 'a-file')} (part of that path is a file, not a folder)\n`]);
    const noCa = runCli(['cert', '--ca-dir', join(dir, 'a-file', 'ca'), '--path']);
    expect([noCa.status, noCa.stderr]).toEqual([2, `mockgraph: the CA folder ${join(dir, 'a-file', 'ca')}: cannot create that folder (part of that path is a file, not a folder)\n`]);
  });
});

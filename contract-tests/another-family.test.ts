import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { call, runCli, serve, tempDir } from '../server/test/process-helpers';

/**
 * A resource family the importer was not developed against (securityAction, contract-tests/fixtures/import/
 * security-actions/SOURCES.md), taken from its doc pages to a served, contract-tested mock with the installed CLI
 * alone: import-docs, serve --schemas, contract --schemas. No code knows the resource.
 */
const FAMILY = 'contract-tests/fixtures/import/security-actions';
const ROOT = join(__dirname, '..');

describe('another resource family, from its pages to a served and replayed mock', () => {
  const out = join(tempDir(), 'schemas');
  const imported = runCli(['import-docs', '--out', out, FAMILY], { cwd: ROOT });

  test('import-docs writes its types and request contracts, referencing what schemas/ already has', () => {
    expect(imported.status).toBe(0);
    expect(readdirSync(join(out, 'graph')).sort()).toEqual(['keyValuePair.schema.json', 'securityAction.schema.json', 'securityActionState.schema.json']);
    expect(existsSync(join(out, 'requests', 'securityAction.cancelSecurityAction.schema.json'))).toBe(true);
    // Each finding names the page and line it is about.
    for (const line of imported.stdout.trimEnd().split('\n')) expect(line).toMatch(/^contract-tests\/fixtures\/import\/security-actions\/[\w/.-]+\.md:\d+: [a-z-]+: \S/);
  });

  test("mockgraph contract --schemas replays every example of its pages green", () => {
    const r = runCli(['contract', '--schemas', out, '--reporter', 'json', '--docs', FAMILY], { cwd: ROOT });
    const report = JSON.parse(r.stdout) as { summary: unknown; results: Array<{ name: string; status: string }> };
    expect(report.results.map((x) => [x.name, x.status])).toEqual([
      ['securityaction_cancelsecurityaction', 'passed'],
      ['get_securityaction', 'passed'],
      ['get_securityactions', 'passed'],
      ['create_securityaction_from_security', 'passed'],
    ]);
    expect(r.status).toBe(0);
  });

  test('mockgraph serve --schemas serves it: POST and GET as its pages document, 405 for the rest, its entity-bound action', async () => {
    const s = await serve(['--schemas', out, '--quiet']);
    try {
      const created = await call(s.base, '/beta/security/securityActions', { method: 'POST', body: JSON.stringify({ name: 'blockIp', actionReason: 'seen in a phishing mail', parameters: [{ name: 'IP', value: '1.2.3.4' }] }) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await call(s.base, `/beta/security/securityActions/${id}`)).status).toBe(200);
      const patched = await call(s.base, `/beta/security/securityActions/${id}`, { method: 'PATCH', body: '{}' });
      expect([patched.status, patched.headers.get('allow')]).toEqual([405, 'GET']);
      expect((await call(s.base, `/beta/security/securityActions/${id}/cancelSecurityAction`, { method: 'POST' })).status).toBe(200);
      expect((await call(s.base, '/beta/security/securityActions/nope/cancelSecurityAction', { method: 'POST' })).status).toBe(404);
      const health = (await (await fetch(`${s.base}/_mockgraph/health`)).json()) as { entitySets: Record<string, number> };
      expect(health.entitySets['security/securityActions']).toBeGreaterThanOrEqual(1);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });
});
